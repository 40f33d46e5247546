// Demo: wrong passwords until blocked — the page counts down, and the wire carries 429 + Retry-After.
import { expect, test } from '@playwright/test';
import { newVisitor, signUpAndActivate, uniqueEmail } from './helpers';

test('wrong password until blocked shows a countdown and answers 429 with Retry-After', async ({ browser }) => {
  const { page, context } = await newVisitor(browser);
  const email = uniqueEmail('throttle');
  await signUpAndActivate(page, email);
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    await page.getByLabel('Password').fill(`wrong password ${attempt}`);
    const [answer] = await Promise.all([
      page.waitForResponse((res) => res.url().includes('/api/trpc/auth.login')),
      page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
    expect(answer.status()).toBe(401);
    await expect(page.getByRole('status')).toHaveText('Incorrect email or password.');
  }
  await page.getByLabel('Password').fill('wrong password 6');
  const [response] = await Promise.all([
    page.waitForResponse((res) => res.url().includes('/api/trpc/auth.login')),
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  ]);
  expect(response.status()).toBe(429);
  expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0);
  await expect(page.getByRole('status')).toContainText('Too many attempts');
  await expect(page.getByTestId('retry-countdown')).toContainText(/Try again in \d+ s/);
  await context.close();
});
