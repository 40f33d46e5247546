import { existsSync } from 'node:fs';

/**
 * Debian's Chromium (apt-get install -y chromium) unless CHROMIUM_PATH names another binary.
 * `npx playwright install` cannot download browsers on machines without internet access.
 */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((path): path is string => Boolean(path && existsSync(path)));
  if (found) return found;
  console.warn('No Chromium found: install one with `apt-get install -y chromium` or set CHROMIUM_PATH; trying Playwright\'s own browser.');
  return undefined;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
