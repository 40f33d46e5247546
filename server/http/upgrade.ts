// Protocol upgrades and CONNECT. Node hands these sockets over without its HTTP timeouts, and
// neither middleware nor the per-IP budget ever sees them, so each one the app does not serve is
// answered and closed at once. In development, Next's hot-reload socket is left to the listener
// Next attaches on the first request (a page load, which is where the hot-reload client comes
// from). Every socket is tracked until it closes, so shutdown can close the ones still open.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { endSocketWithRefusal, refusal } from './refusal';
import { methodNotAllowed } from './request-line';

const HOT_RELOAD_PATH = /^\/_next\/hmr(?:[/?]|$)/;

export class UpgradeGate {
  private readonly sockets = new Set<Duplex>();

  constructor(private readonly options: { production: boolean; hotReload: boolean }) {}

  readonly onUpgrade = (req: IncomingMessage, socket: Duplex): void => {
    this.track(socket);
    if (this.options.hotReload && HOT_RELOAD_PATH.test(req.url ?? '')) return;
    endSocketWithRefusal(socket, refusal(400, 'Protocol upgrades are not served.'), this.options.production);
  };

  readonly onConnect = (_req: IncomingMessage, socket: Duplex): void => {
    this.track(socket);
    endSocketWithRefusal(socket, methodNotAllowed(), this.options.production);
  };

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  private track(socket: Duplex): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }
}
