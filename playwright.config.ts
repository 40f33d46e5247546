import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { E2E_PORT as port, MAILBOX_PORT, SMTP_PORT } from './e2e/ports';

// Debian's Chromium (apt-get install -y chromium) unless CHROMIUM_PATH names another binary.
// `npx playwright install` cannot download browsers on machines without internet access.
function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((path): path is string => Boolean(path && existsSync(path)));
  if (found) return found;
  console.warn('No Chromium found: install one with `apt-get install -y chromium` or set CHROMIUM_PATH; trying Playwright\'s own browser.');
  return undefined;
}

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    command: `node --import tsx test/e2e-server.ts ${port} ${SMTP_PORT} ${MAILBOX_PORT}`,
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
  },
});
