// Demos: upload an image and download it; a second user can neither see nor fetch it (404, the
// IDOR rule); an HTML file renamed .png is refused.
import { expect, test } from '@playwright/test';
import { newVisitor, signedInVisitor } from './helpers';

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

test('an uploaded image is downloadable by its owner only', async ({ browser }) => {
  const owner = await signedInVisitor(browser, 'files');

  await owner.page.goto('/files');
  await owner.page.getByLabel('File', { exact: true }).setInputFiles({ name: 'holiday photo.png', mimeType: 'image/png', buffer: PNG });
  await owner.page.getByRole('button', { name: 'Upload' }).click();
  await expect(owner.page.getByRole('status')).toHaveText('Uploaded holiday photo.png.');
  const row = owner.page.getByTestId('file-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('image/png');

  const downloading = owner.page.waitForEvent('download');
  await row.getByRole('link', { name: 'holiday photo.png' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('holiday photo.png');
  const path = await download.path();
  const { readFile } = await import('node:fs/promises');
  expect(Buffer.compare(await readFile(path), PNG)).toBe(0);
  const href = await row.getByRole('link').getAttribute('href');
  expect(href).toMatch(/^\/api\/files\/[0-9a-f-]{36}$/);

  // A second user: an empty list, and the owner's link answers 404 as if it did not exist.
  const stranger = await signedInVisitor(browser, 'stranger');
  await stranger.page.goto('/files');
  await expect(stranger.page.getByText('No files yet.')).toBeVisible();
  const foreign = await stranger.page.request.get(href ?? '');
  expect(foreign.status()).toBe(404);
  const unknown = await stranger.page.request.get('/api/files/00000000-0000-4000-8000-000000000000');
  expect(unknown.status()).toBe(404);
  expect(await foreign.text()).toBe(await unknown.text());

  // Signed out, the link is just as dead.
  const anonymous = await newVisitor(browser);
  expect((await anonymous.page.request.get(href ?? '')).status()).toBe(404);

  for (const visitor of [owner, stranger, anonymous]) await visitor.context.close();
});

test('an HTML page renamed .png is refused by its bytes, with the reason shown', async ({ browser }) => {
  const { context, page } = await signedInVisitor(browser, 'files-html');
  await page.goto('/files');
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: Buffer.from('<!doctype html><script>alert(1)</script>') });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('status')).toHaveAttribute('data-tone', 'error');
  await expect(page.getByRole('status')).not.toBeEmpty();
  await expect(page.getByText('No files yet.')).toBeVisible();
  await context.close();
});
