import { type Browser, type BrowserContext, expect, type Page } from '@playwright/test';
import { MAILBOX_URL } from './ports';

export const PASSWORD = 'correct horse battery staple';

export function uniqueEmail(label = 'demo'): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}@example.test`;
}

/**
 * A fresh browser context that reaches the app, like every real visitor, from an IP of its own
 * (the e2e app trusts 127.0.0.1 as its reverse proxy, so X-Forwarded-For names the client).
 */
export async function newVisitor(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
  const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': ip } });
  return { context, page: await context.newPage() };
}

/** Opens the mail catcher's inbox for one address until a mail with `subject` is there. */
export async function expectMail(page: Page, to: string, subject: RegExp): Promise<void> {
  await expect(async () => {
    await page.goto(`${MAILBOX_URL}/?to=${encodeURIComponent(to)}`);
    await expect(page.getByRole('heading', { name: subject }).first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
}

/** Opens the mail catcher's inbox for one address and follows the first link of the newest mail with `subject`. */
export async function openMailLink(page: Page, to: string, subject: RegExp): Promise<void> {
  await expectMail(page, to, subject);
  await page.getByTestId('mail').filter({ has: page.getByRole('heading', { name: subject }) }).first().getByRole('link').first().click();
}

/** Email first: signup asks for the address only; the mailed link leads to "choose your password". */
export async function signUpAndActivate(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('status')).toContainText('Check your inbox');
  await openMailLink(page, email, /Activate your Bastion account/);
  await expect(page.getByRole('heading', { name: 'Choose your password' })).toBeVisible();
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Activate my account' }).click();
  await expect(page.getByRole('status').first()).toContainText('Your account is active');
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('account-email')).toHaveText(email);
}

/** A new visitor with an account of their own, activated and signed in. */
export async function signedInVisitor(
  browser: Browser,
  label: string,
): Promise<{ context: BrowserContext; page: Page; email: string }> {
  const visitor = await newVisitor(browser);
  const email = uniqueEmail(label);
  await signUpAndActivate(visitor.page, email);
  await signIn(visitor.page, email);
  return { ...visitor, email };
}
