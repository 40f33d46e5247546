// Demo: the life of an account after signup — a new address (and its undo from the old inbox),
// "download my data", deletion, and signing in despite a lockout through the link mailed to its owner.
import { readFile } from 'node:fs/promises';
import { expect, type Page, test } from '@playwright/test';
import {
  expectMail,
  newVisitor,
  openMailLink,
  PASSWORD,
  signedInVisitor,
  signIn,
  signUpAndActivate,
  uniqueEmail,
} from './helpers';

const section = (page: Page, title: string) =>
  page.locator('section').filter({ has: page.getByRole('heading', { name: title, exact: true }) });

async function wrongPassword(page: Page, email: string): Promise<number> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('not the password at all');
  const [answer] = await Promise.all([
    page.waitForResponse((res) => res.url().includes('/api/trpc/auth.login')),
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  ]);
  return answer.status();
}

test('an email change is confirmed from the new inbox and undone from the old one', async ({ browser }) => {
  const { page, context, email } = await signedInVisitor(browser, 'change');
  const newEmail = uniqueEmail('changed');
  const form = section(page, 'Change email address');
  await form.getByLabel('New email address').fill(newEmail);
  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Send confirmation link' }).click();
  await expect(form.getByRole('status')).toContainText('Check the inbox of the new address');
  await openMailLink(page, newEmail, /Confirm your new Bastion address/);
  await page.getByRole('button', { name: 'Use this address' }).click();
  await expect(page.getByRole('status')).toContainText('Your address was changed');
  await page.goto('/account');
  await expect(page.getByTestId('account-email')).toHaveText(newEmail);
  await openMailLink(page, email, /address of your Bastion account was changed/);
  await page.getByRole('button', { name: 'Restore my address' }).click();
  await expect(page.getByRole('status')).toContainText('Your address was restored');
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login$/);
  await signIn(page, email);
  await context.close();
});

test('"download my data" saves a JSON file of the account, without secrets', async ({ browser }) => {
  const { page, context, email } = await signedInVisitor(browser, 'export');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-link').click()]);
  const text = await readFile(await download.path(), 'utf8');
  const data = JSON.parse(text) as { account: { email: string }; sessions: unknown[] };
  expect(data.account.email).toBe(email);
  expect(data.sessions.length).toBeGreaterThan(0);
  expect(text).not.toMatch(/hash|secret|token|password/i);
  await context.close();
});

test('deleting the account takes the address typed out, and the address can sign in no more', async ({ browser }) => {
  const { page, context, email } = await signedInVisitor(browser, 'delete');
  const form = section(page, 'Delete account');
  await form.getByLabel('Type your email address to confirm').fill(email);
  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Delete my account' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expectMail(page, email, /Your Bastion account was deleted/);
  await page.goto('/login');
  expect(await wrongPassword(page, email)).toBe(401);
  await context.close();
});

test('a locked-out owner signs in through the link mailed to them; strangers stay locked out', async ({ browser }) => {
  const owner = await newVisitor(browser);
  const email = uniqueEmail('unlock');
  await signUpAndActivate(owner.page, email);
  for (let attacker = 0; attacker < 3; attacker += 1) {
    const { page, context } = await newVisitor(browser);
    await page.goto('/login');
    for (let guess = 0; guess < 4; guess += 1) await wrongPassword(page, email);
    await context.close();
  }
  await owner.page.goto('/login');
  await owner.page.getByLabel('Email').fill(email);
  await owner.page.getByLabel('Password').fill(PASSWORD);
  await owner.page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(owner.page.getByRole('status')).toContainText('Too many attempts');
  await openMailLink(owner.page, email, /Your Bastion account was locked/);
  await owner.page.getByRole('button', { name: 'Let this browser sign in' }).click();
  await expect(owner.page.getByRole('status')).toContainText('This browser can sign in');
  const stranger = await newVisitor(browser);
  await stranger.page.goto('/login');
  expect(await wrongPassword(stranger.page, email)).toBe(429);
  await signIn(owner.page, email);
  await owner.context.close();
  await stranger.context.close();
});
