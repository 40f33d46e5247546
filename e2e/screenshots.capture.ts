// Not a test: `npm run screenshots` runs this to write PNGs of the main pages in light and dark,
// at phone and desktop widths, into screenshots/ (git-ignored), for a person to look at.
import { join } from 'node:path';
import { type Page, test } from '@playwright/test';
import { newVisitor, signedInVisitor } from './helpers';

const OUT_DIR = join(import.meta.dirname, '..', 'screenshots');
const WIDTHS = [390, 1280];
const SCHEMES = ['light', 'dark'] as const;
const SIGNED_OUT = [['home', '/'], ['sign-in', '/login'], ['sign-up', '/signup']] as const;
// Each page is taken once its data has loaded.
const SIGNED_IN = [
  ['account', '/account', 'session-row'],
  ['files', '/files', 'file-row'],
  ['webhooks', '/webhooks', 'table-empty'],
] as const;
// A 1×1 PNG, so that the files page has a row to show.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

async function capture(page: Page, name: string, path: string, ready: (page: Page) => Promise<void>): Promise<void> {
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(path);
      await ready(page);
      await page.screenshot({ path: join(OUT_DIR, `${name}-${colorScheme}-${width}.png`), fullPage: true, animations: 'disabled' });
    }
  }
}

test('screenshots of the signed-out pages', async ({ browser }) => {
  const { page, context } = await newVisitor(browser);
  for (const [name, path] of SIGNED_OUT) await capture(page, name, path, (at) => at.getByRole('heading', { level: 1 }).waitFor());
  await capture(page, 'sign-in-refused', '/login', async (at) => {
    await at.getByRole('button', { name: 'Sign in', exact: true }).click();
    await at.getByRole('status').filter({ hasText: 'invalid' }).waitFor();
  });
  await context.close();
});

test('screenshots of the signed-in pages', async ({ browser }) => {
  const { page, context } = await signedInVisitor(browser, 'screenshots');
  await page.goto('/files');
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'quarterly report.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.getByTestId('file-row').waitFor();
  for (const [name, path, loaded] of SIGNED_IN) {
    await capture(page, name, path, (at) => at.getByTestId(loaded).first().waitFor());
  }
  await context.close();
});
