// Mozilla HTTP Observatory's own scanner (@mdn/mdn-http-observatory), run offline against a
// local TLS endpoint. Its install script would download the HSTS preload list (no network
// here, and package.json's allowScripts denies it), so an empty list is written instead —
// correct for localhost, which is on no preload list. The scanner verifies certificates; our
// throwaway one is trusted for the duration of the scan only.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import tls from 'node:tls';
import { type ObservatoryResult, scan } from '@mdn/mdn-http-observatory';

function ensureHstsPreloadList(): void {
  const packageDir = dirname(createRequire(import.meta.url).resolve('@mdn/mdn-http-observatory/package.json'));
  const file = join(packageDir, 'conf', 'hsts-preload.json');
  if (existsSync(file)) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '{}');
}

/** Scans `https://host` and `http://host` (host = "localhost:PORT"), trusting `caPem` meanwhile. */
export async function observatoryScan(host: string, caPem: string): Promise<ObservatoryResult> {
  ensureHstsPreloadList();
  const original = tls.createSecureContext;
  tls.createSecureContext = (options: tls.SecureContextOptions = {}) => original(options.ca ? options : {
    ...options,
    ca: [...tls.rootCertificates, caPem],
  });
  try {
    return await scan(host);
  } finally {
    tls.createSecureContext = original;
  }
}
