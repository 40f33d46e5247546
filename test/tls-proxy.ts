// A TLS-terminating reverse proxy for tests, standing in for nginx in front of Bastion: one
// loopback port that answers plain HTTP with a 301 to https:// and forwards HTTPS to the app
// with X-Real-IP set from the socket (overwriting any client copy). Tells the two apart by
// the first byte of the connection (0x16 starts a TLS handshake). Also makes a throwaway
// self-signed certificate for localhost with Debian's openssl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TlsProxy = { port: number; close(): Promise<void> };

export function selfSignedLocalhostCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `dropResponseHeaders` lets a test remove headers on the way back (to show a scanner notices). */
export async function startTlsProxy(options: {
  key: string;
  cert: string;
  upstreamPort: number;
  dropResponseHeaders?: string[];
}): Promise<TlsProxy> {
  const drop = new Set((options.dropResponseHeaders ?? []).map((name) => name.toLowerCase()));
  const https = createHttpsServer({ key: options.key, cert: options.cert }, (req, res) => {
    const headers = { ...req.headers, 'x-real-ip': req.socket.remoteAddress ?? '', 'x-forwarded-proto': 'https' };
    const upstream = request({ host: '127.0.0.1', port: options.upstreamPort, method: req.method, path: req.url, headers }, (reply) => {
      const kept: string[] = [];
      for (let i = 0; i < reply.rawHeaders.length; i += 2) {
        const [name = '', value = ''] = [reply.rawHeaders[i], reply.rawHeaders[i + 1]];
        if (!drop.has(name.toLowerCase())) kept.push(name, value);
      }
      res.writeHead(reply.statusCode ?? 502, kept);
      reply.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const http = createHttpServer((req, res) => res.writeHead(301, { Location: `https://${req.headers.host ?? 'localhost'}${req.url ?? '/'}` }).end());
  const sockets = new Set<Socket>();
  const front = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      (first[0] === 0x16 ? https : http).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const address = front.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        front.close(() => resolve());
      }),
  };
}
