// Demo: reset via the emailed link; the old session is logged out; the same link is refused on reuse.
import { expect, test } from '@playwright/test';
import { newVisitor, openMailLink, signIn, signUpAndActivate, uniqueEmail } from './helpers';

test('reset the password from the emailed link, which then works no more', async ({ browser }) => {
  const email = uniqueEmail('reset');
  const first = await newVisitor(browser);
  await signUpAndActivate(first.page, email);
  await signIn(first.page, email);

  const second = await newVisitor(browser);
  const { page } = second;
  await page.goto('/forgot-password');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByRole('status')).toContainText('Check your inbox');
  await openMailLink(page, email, /Reset your Bastion password/);
  await expect(page).toHaveURL(/\/reset-password$/);
  await page.getByLabel('New password').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toContainText('every session was signed out');

  await first.page.reload();
  await expect(first.page).toHaveURL(/\/login$/);

  // The same emailed link, opened again.
  await openMailLink(page, email, /Reset your Bastion password/);
  await page.getByLabel('New password').fill('yet another passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toContainText('invalid, used or expired');

  await signIn(page, email, 'a brand new passphrase');
  await first.context.close();
  await second.context.close();
});

test('the reset page sends no Referer', async ({ browser }) => {
  const { page, context } = await newVisitor(browser);
  const response = await page.goto('/reset-password?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  expect(response?.headers()['referrer-policy']).toBe('no-referrer');
  await context.close();
});
