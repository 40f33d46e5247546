// Demo: a page on another origin (another port) submits a cross-site form and a fetch to a
// mutation; both are refused, while the same action from Bastion's own page succeeds.
import { createServer, type Server } from 'node:http';
import { expect, test } from '@playwright/test';
import { newVisitor, signIn, signUpAndActivate, uniqueEmail } from './helpers';
import { ATTACKER_PORT, E2E_PORT } from './ports';

const target = `http://127.0.0.1:${E2E_PORT}/api/trpc/auth.logout`;
const attackerPage = `<!doctype html><title>Win a prize</title>
<form id="f" method="POST" action="${target}" enctype="text/plain"><input name='{"a":"' value='"}'></form>
<button id="form" onclick="document.getElementById('f').submit()">Claim by form</button>
<button id="fetch" onclick="fetch('${target}', { method: 'POST', credentials: 'include', mode: 'no-cors', body: '{}' })">Claim by fetch</button>`;

let attacker: Server;
test.beforeAll(async () => {
  attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackerPage));
  await new Promise<void>((resolve) => attacker.listen(ATTACKER_PORT, '127.0.0.1', resolve));
});
test.afterAll(() => new Promise<void>((resolve) => attacker.close(() => resolve())));

test('cross-site form and fetch cannot sign the user out; Bastion\'s own button can', async ({ browser }) => {
  const { page, context } = await newVisitor(browser);
  const email = uniqueEmail('csrf');
  await signUpAndActivate(page, email);
  await signIn(page, email);

  const evil = await context.newPage();
  await evil.goto(`http://127.0.0.1:${ATTACKER_PORT}/`);
  const byFetch = evil.waitForResponse((res) => res.url() === target);
  await evil.locator('#fetch').click();
  expect((await byFetch).status()).toBe(403);
  const byForm = evil.waitForResponse((res) => res.url() === target);
  await evil.locator('#form').click();
  expect((await byForm).status()).toBe(403);

  await page.reload();
  await expect(page.getByTestId('account-email')).toHaveText(email);

  const own = page.waitForResponse((res) => res.url().includes('/api/trpc/auth.logout'));
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  expect((await own).status()).toBe(200);
  await expect(page).toHaveURL(/\/login$/);
  await context.close();
});
