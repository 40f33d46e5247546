import { expect, test } from '@playwright/test';

test('the home page explains Bastion and links to the flows', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Bastion' })).toBeVisible();
  for (const name of ['Sign up', 'Sign in', 'Forgot password', 'Account']) {
    await expect(page.getByRole('main').getByRole('link', { name, exact: true })).toBeVisible();
  }
});

test('/api/health reports a live database and Redis', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: 'ok', db: 'ok', redis: 'ok', pressure: { underPressure: false } });
});
