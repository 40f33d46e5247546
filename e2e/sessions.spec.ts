// Demo: revoke another session from the account page; that browser loses access at once.
import { expect, test } from '@playwright/test';
import { newVisitor, signIn, signUpAndActivate, uniqueEmail } from './helpers';

test('revoking a session from the account page signs that browser out', async ({ browser }) => {
  const email = uniqueEmail('sessions');
  const laptop = await newVisitor(browser);
  await signUpAndActivate(laptop.page, email);
  await signIn(laptop.page, email);
  const phone = await newVisitor(browser);
  await signIn(phone.page, email);

  await laptop.page.reload();
  const rows = laptop.page.getByTestId('session-row');
  await expect(rows).toHaveCount(2);
  await rows.filter({ hasNot: laptop.page.getByText('(this browser)') }).getByRole('button', { name: 'Revoke' }).click();
  await expect(rows).toHaveCount(1);

  await phone.page.reload();
  await expect(phone.page).toHaveURL(/\/login$/);
  await laptop.context.close();
  await phone.context.close();
});
