// Demo: a form clicked before the page is interactive does nothing, rather than submitting natively
// (a GET that would put every field, the password too, in the address bar, history and server logs).
import { expect, test } from '@playwright/test';

test('a sign-in form without its script cannot send the password in the URL', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill('someone@example.test');
  await page.getByLabel('Password').fill('a secret passphrase');
  const submit = page.getByRole('button', { name: 'Sign in', exact: true });
  await submit.click({ force: true });
  await page.waitForLoadState();
  expect(page.url()).not.toContain('passphrase');
  expect(new URL(page.url()).search).toBe('');
  await expect(submit).toBeDisabled();
  await context.close();
});
