// Demo: every page, signed out and signed in, in the light and the dark scheme, has no serious or
// critical accessibility violation by axe-core's rules (contrast, names, labels, landmarks, ARIA).
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { newVisitor, signedInVisitor } from './helpers';

const signedOutPages = [
  '/', '/login', '/signup', '/forgot-password', '/reset-password?token=x', '/reset-password', '/activate',
  '/unlock?token=x', '/account/confirm-email?token=x', '/account/undo-email?token=x',
];
const signedInPages = [
  ['/account', 'Sessions'],
  ['/files', 'Files'],
  ['/webhooks', 'Webhooks'],
] as const;

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.help}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`signed-out pages have no serious accessibility violations (${colorScheme})`, async ({ browser }) => {
    const { page, context } = await newVisitor(browser);
    await page.emulateMedia({ colorScheme });
    for (const path of signedOutPages) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      expect(await seriousViolations(page), path).toEqual([]);
    }
    // A refused form: field errors and the announced message are checked too.
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('status')).toHaveAttribute('data-tone', 'error');
    await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
    expect(await seriousViolations(page), '/login with errors').toEqual([]);
    await context.close();
  });

  test(`signed-in pages have no serious accessibility violations (${colorScheme})`, async ({ browser }) => {
    const { page, context } = await signedInVisitor(browser, `axe-${colorScheme}`);
    await page.emulateMedia({ colorScheme });
    for (const [path, table] of signedInPages) {
      await page.goto(path);
      await expect(page.getByRole('table', { name: table })).toBeVisible();
      expect(await seriousViolations(page), path).toEqual([]);
    }
    await context.close();
  });
}
