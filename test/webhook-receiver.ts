// A webhook receiver on 127.0.0.1 that records every delivery, and answers 307 for the paths
// given in `redirects` (each a function of the receiver's own port).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Delivery = { host: string; path: string; body: string; signature: string | undefined };
export type WebhookReceiver = { port: number; deliveries: Delivery[]; close(): Promise<void> };

type Redirects = Record<string, (port: number) => string>;

export async function startWebhookReceiver(redirects: Redirects = {}): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      const redirect = redirects[path];
      if (redirect) return res.writeHead(307, { location: redirect(port) }).end();
      const signature = req.headers['bastion-signature'] as string | undefined;
      deliveries.push({ host: req.headers.host ?? '', path, body, signature });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, deliveries, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
