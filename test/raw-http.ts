// Raw HTTP over a socket, for requests no well-behaved client would send (odd methods and
// targets, upgrades, withheld bodies) and for seeing whether the server closed the connection.
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { TestClient } from './client';

export type RawExchange = { text: string; closedByServer: boolean; closedAfterMs: number };

/** Sends raw bytes and collects whatever comes back until the server closes, or gives up (and closes) after `ms`. */
export function rawExchange(port: number, payload: string, ms = 5000): Promise<RawExchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closedByServer = true;
    const timer = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, ms);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedByServer, closedAfterMs: Date.now() - started });
    });
    socket.on('error', () => undefined);
    socket.write(payload);
  });
}

export type HeldRequest = { socket: Socket; answer: Promise<string> };

/** Sends the start of a request and leaves it open; `answer` is whatever comes back until the socket closes. */
export function holdRequest(port: number, start: string): Promise<HeldRequest> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const answer = new Promise<string>((done) => {
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => done(text));
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
    socket.write(start, () => resolve({ socket, answer }));
  });
}

type Reply = { status: number; text: string };

/** POSTs a JSON body as chunked transfer encoding, one chunk per part, as the given client (cookies, CSRF token). */
export function postChunked(client: TestClient, path: string, parts: readonly string[]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${client.origin}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
        'origin': client.origin,
        'x-forwarded-for': client.ip,
        'cookie': client.cookieHeader(),
        'x-csrf-token': client.csrfToken(),
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    for (const part of parts) req.write(part);
    req.end();
  });
}
