// Demo: sign up → open the mailbox → activate → sign in → sign out.
import { expect, test } from '@playwright/test';
import { newVisitor, PASSWORD, signIn, signUpAndActivate, uniqueEmail } from './helpers';

test('sign up, activate from the emailed link, sign in and sign out', async ({ browser }) => {
  const { page, context } = await newVisitor(browser);
  const email = uniqueEmail('signup');
  await signUpAndActivate(page, email);
  await expect(page).toHaveURL(/\/activate$/); // the one-time token was taken out of the address bar
  await signIn(page, email);
  await expect(page.getByRole('table', { name: 'Sessions' }).getByText('(this browser)')).toBeVisible();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login$/);
  await context.close();
});

test('signing up again with a registered address looks the same, and mails the owner instead', async ({ browser }) => {
  const { page, context } = await newVisitor(browser);
  const email = uniqueEmail('twice');
  await signUpAndActivate(page, email);
  await page.goto('/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('status')).toContainText('Check your inbox');
  await context.close();
});
