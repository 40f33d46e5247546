// Demo: the second factor. Enrol from the account page (the test reads the key from the page and
// computes codes like an authenticator app), sign in with a code, see a replayed code refused,
// sign in with a recovery code, trust the browser and skip the code, then turn two-factor off.
import { expect, type Page, test } from '@playwright/test';
import { TotpClock } from '../test/totp-clock';
import { PASSWORD, signedInVisitor } from './helpers';

async function signOut(page: Page) {
  await page.goto('/account');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
}

async function enterPassword(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function enterCode(page: Page, code: string, options: { trust?: boolean } = {}) {
  await expect(page).toHaveURL(/\/login\/verify$/);
  if (options.trust) await page.getByLabel('Trust this browser for 30 days').check();
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}

test('two-factor authentication, from enrolment to turning it off', async ({ browser }) => {
  test.setTimeout(240_000); // codes are time-based: a few steps wait for the next 30-second window
  const { page, context, email } = await signedInVisitor(browser, 'two-factor');
  const account = page.getByTestId('account-email');

  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  await expect(page.getByRole('img', { name: 'QR code of your two-factor key' })).toBeVisible();
  const clock = new TotpClock((await page.getByTestId('totp-key').textContent()) ?? '');
  await page.getByLabel('Code', { exact: true }).fill(await clock.nextCode());
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  const shown = page.getByTestId('recovery-codes').getByRole('listitem');
  await expect(shown).toHaveCount(10);
  const codes = await shown.allTextContents();
  await expect(page.getByTestId('recovery-codes-left')).toHaveText('10');

  await signOut(page);
  await enterPassword(page, email);
  await enterCode(page, await clock.nextCode());
  await expect(account).toHaveText(email);

  await signOut(page);
  await enterPassword(page, email);
  await enterCode(page, clock.lastCode());
  await expect(page.getByRole('status').first()).toContainText('already used');

  await page.getByLabel('Recovery code').fill(codes[0] ?? '');
  await page.getByRole('button', { name: 'Use recovery code' }).click();
  await expect(account).toHaveText(email);
  await expect(page.getByTestId('recovery-codes-left')).toHaveText('9');

  await signOut(page);
  await enterPassword(page, email);
  await enterCode(page, await clock.nextCode(), { trust: true });
  await expect(account).toHaveText(email);
  await expect(page.getByTestId('trusted-browser-row')).toContainText('(this browser)');

  await signOut(page);
  await enterPassword(page, email);
  await expect(account).toHaveText(email); // no code asked: this browser is trusted

  // Skipping the code step proved no second factor: turning it off first asks "confirm it's you".
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Code', { exact: true }).fill(await clock.nextCode());
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(page.getByTestId('recovery-codes-left')).toHaveText('9');
  await page.getByLabel('Code', { exact: true }).fill(await clock.nextCode());
  await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
  await expect(page.getByRole('button', { name: 'Set up two-factor authentication' })).toBeVisible();

  await signOut(page);
  await enterPassword(page, email);
  await expect(account).toHaveText(email);
  await context.close();
});
