// The production header set, behind a TLS-terminating proxy that sets X-Real-IP and redirects
// http:// to https://, graded by Mozilla HTTP Observatory's own scoring code: A+ with no test
// losing points. A control run with HSTS stripped by the proxy shows the scanner is listening.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '@/test/services';
import { startApp, type RunningApp } from '@/test/app';
import { observatoryScan } from '@/test/observatory';
import { selfSignedLocalhostCertificate, startTlsProxy, type TlsProxy } from '@/test/tls-proxy';

const databaseUrl = inject('databaseUrl');
let app: RunningApp;
let proxy: TlsProxy;
let weakened: TlsProxy;
let certificate: { key: string; cert: string };

beforeAll(async () => {
  certificate = selfSignedLocalhostCertificate();
  const appPort = await findFreePort();
  proxy = await startTlsProxy({ ...certificate, upstreamPort: appPort });
  weakened = await startTlsProxy({ ...certificate, upstreamPort: appPort, dropResponseHeaders: ['strict-transport-security'] });
  app = await startApp(
    {
      DATABASE_URL: databaseUrl,
      APP_ORIGIN: `https://localhost:${proxy.port}`,
      // As in the README's nginx example: the proxy on loopback, its X-Real-IP trusted.
      TRUSTED_PROXIES: '127.0.0.1',
      TRUSTED_PROXY_HEADER: 'x-real-ip',
    },
    appPort,
  );
});
afterAll(async () => {
  await proxy?.close();
  await weakened?.close();
  await app?.stop();
});

describe('Mozilla HTTP Observatory', () => {
  it('grades the home page A+, with no test losing points', async () => {
    const result = await observatoryScan(`localhost:${proxy.port}`, certificate.cert);
    const lost = Object.entries(result.tests)
      .filter(([, test]) => !test.pass || (test.scoreModifier ?? 0) < 0)
      .map(([name, test]) => `${name}: ${test.result}`);
    expect(lost).toEqual([]);
    expect(result.tests['content-security-policy']?.result).toBe('csp-implemented-with-no-unsafe');
    expect(result.tests['strict-transport-security']?.pass).toBe(true);
    expect(result.tests.redirection?.result).toBe('redirection-to-https');
    expect(result.scan.grade).toBe('A+');
  });

  it('notices when HSTS is missing (control run through a proxy that strips it)', async () => {
    const result = await observatoryScan(`localhost:${weakened.port}`, certificate.cert);
    expect(result.tests['strict-transport-security']?.pass).toBe(false);
    expect(result.scan.grade).not.toBe('A+');
  });
});
