// Demo: sign up with an address → open the mailbox → choose a password (activates) → sign in → sign out.
import { expect, test } from '@playwright/test';
import { expectMail, newVisitor, signIn, signUpAndActivate, uniqueEmail } from './helpers';

test('sign up, activate from the emailed link, sign in and sign out', async ({ browser }) => {
  const { page, context } = await newVisitor(browser);
  const email = uniqueEmail('signup');
  await signUpAndActivate(page, email);
  await expect(page).toHaveURL(/\/activate$/); // the one-time token was taken out of the address bar
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await signIn(page, email);
  await expect(page.getByRole('table', { name: 'Sessions' }).getByText('(this browser)')).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Files' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Sign in' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(nav.getByRole('link', { name: 'Sign in' })).toBeVisible();
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
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('status')).toContainText('Check your inbox');
  await expectMail(page, email, /Someone tried to sign up with your address/);
  await context.close();
});
