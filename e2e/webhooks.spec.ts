// Demo: a webhook to a private address is refused with the reason.
import { expect, test } from '@playwright/test';
import { signedInVisitor } from './helpers';

test('a webhook to a private or metadata address is refused with the reason shown', async ({ browser }) => {
  const { context, page } = await signedInVisitor(browser, 'webhooks');
  await page.goto('/webhooks');
  const status = page.getByRole('status').first();
  for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://2130706433:6379/', 'http://[::ffff:10.0.0.1]/']) {
    await page.getByLabel('Webhook URL').fill(url);
    await page.getByRole('button', { name: 'Register' }).click();
    await expect(status).toHaveText('The URL points to an address that is not allowed.');
    await expect(status).toHaveAttribute('data-tone', 'error');
  }
  await page.getByLabel('Webhook URL').fill('http://user:secret@example.com/');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(status).toHaveText('URLs with a user name or password are not allowed.');
  await expect(page.getByTestId('webhook-row')).toHaveCount(0);
  await context.close();
});
