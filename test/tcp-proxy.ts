// A loopback TCP proxy that a test can cut and restore, to take a real store "down" mid-test
// without stopping the server other tests share, or slow, to keep the app's work in progress.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type TcpProxy = {
  url: string;
  port: number;
  cut(): void;
  restore(): void;
  /** Every reply from the store reaches the app `ms` later (in order) from now on. */
  delayReplies(ms: number): void;
  close(): Promise<void>;
};

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let down = false;
  let replyDelayMs = 0;
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    sockets.add(client).add(upstream);
    const drop = () => {
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    let lastDue = 0;
    upstream.on('data', (chunk: Buffer) => {
      // Never earlier than the chunk before it: the store's byte stream stays in order.
      lastDue = Math.max(Date.now() + replyDelayMs, lastDue);
      setTimeout(() => client.write(chunk), lastDue - Date.now());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = new URL(targetUrl);
  url.port = String(port);
  const cut = () => {
    down = true;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    url: url.toString(),
    port,
    cut,
    restore() {
      down = false;
    },
    delayReplies(ms) {
      replyDelayMs = ms;
    },
    close() {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
