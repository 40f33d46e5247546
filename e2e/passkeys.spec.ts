// Demo: passkeys in Chromium with a virtual authenticator (DevTools protocol: CTAP2, internal
// transport, resident keys, user verification). Register a passkey from the account page, sign out,
// sign in with the button, sign in through the email field's autofill, then delete the passkey.
// The app under test is served as localhost: browsers accept only domains as RP IDs. Chromium's
// virtual authenticator answers an autofill request as soon as the login page makes it, as if the
// user had picked the passkey from the email field's suggestions: so autofill stays off until the
// autofill step, and the button is seen to work on its own.
import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { expectMail, signIn, signUpAndActivate, uniqueEmail } from './helpers';
import { PASSKEY_ORIGIN } from './ports';

async function addVirtualAuthenticator(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials };
}

function autofillOnlyWhenAsked() {
  if (sessionStorage.getItem('demo-autofill') === 'on') return;
  PublicKeyCredential.isConditionalMediationAvailable = async () => false;
}

async function signOut(page: Page) {
  await page.goto('/account');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
}

test('passkeys: register, sign in with the button and through autofill, delete', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: PASSKEY_ORIGIN, extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.61' } });
  await context.addInitScript(autofillOnlyWhenAsked);
  const page = await context.newPage();
  const authenticator = await addVirtualAuthenticator(context, page);
  const email = uniqueEmail('passkeys');
  const account = page.getByTestId('account-email');
  await signUpAndActivate(page, email);
  await signIn(page, email);

  await page.getByLabel('Passkey name').fill('Demo laptop');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByTestId('passkey-row')).toContainText(['Demo laptop']);
  const [credential] = await authenticator.credentials();
  expect(credential?.isResidentCredential).toBe(true);
  expect(credential?.rpId).toBe('localhost');

  await signOut(page);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(account).toHaveText(email);

  await signOut(page);
  await expect(page.getByLabel('Email')).toHaveAttribute('autocomplete', 'username webauthn');
  await page.evaluate(() => sessionStorage.setItem('demo-autofill', 'on'));
  await page.goto('/login');
  await expect(account).toHaveText(email);

  await page.getByTestId('passkey-row').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('table-empty')).toHaveText('No passkeys yet.');
  await expectMail(page, email, /A passkey was added/);
  await expectMail(page, email, /A passkey was removed/);
  await context.close();
});
