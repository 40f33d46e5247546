// Raw HTTP over a socket, for requests no well-behaved client would send (odd methods and
// targets, upgrades, withheld bodies) and for seeing whether the server closed the connection.
import { connect } from 'node:net';

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
