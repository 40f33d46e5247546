// Demo: every page loads under the strict nonce CSP with zero violations, and a hostile HTML file
// in public/ is served with headers under which its script does not run.
import { expect, type Page, test } from '@playwright/test';
import { newVisitor, signIn, signUpAndActivate, uniqueEmail } from './helpers';

async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`));
  });
  return violations;
}

test('every page loads with zero CSP violations', async ({ browser }) => {
  const { page, context } = await newVisitor(browser);
  const violations = await watchViolations(page);
  const email = uniqueEmail('csp');
  await signUpAndActivate(page, email);
  const tokenPages = [
    '/reset-password?token=x',
    '/unlock?token=x', '/account/confirm-email?token=x', '/account/undo-email?token=x',
  ];
  for (const path of ['/', '/signup', '/login', '/forgot-password', '/activate', ...tokenPages]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  await signIn(page, email);
  await expect(page.getByRole('table', { name: 'Sessions' })).toBeVisible();
  const moduleTables: [path: string, table: string][] = [
    ['/files', 'Files'],
    ['/webhooks', 'Webhooks'],
  ];
  for (const [path, table] of moduleTables) {
    await page.goto(path);
    await expect(page.getByRole('table', { name: table })).toBeVisible();
  }
  expect(violations).toEqual([]);
  await context.close();
});

test('a hostile HTML file in public/ is served inert', async ({ browser }) => {
  const { page, context } = await newVisitor(browser);
  const response = await page.goto('/demo/hostile.html');
  expect(response?.headers()['content-security-policy']).toBe('default-src \'none\'; sandbox');
  await expect(page.locator('#status')).toHaveText('inert');
  await page.waitForTimeout(300);
  await expect(page.locator('#status')).toHaveText('inert');
  await context.close();
});
