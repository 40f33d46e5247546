// Development conveniences that never widen production: the loopback names of the dev origin,
// and who may see the development-only tools (the mailbox, the dev.* procedures).
import ipaddr from 'ipaddr.js';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

const asHost = (value: string) => (URL.canParse(`http://${value}`) ? new URL(`http://${value}`) : null);

/**
 * The app's own origin, when a request reached it under another loopback name on the same port
 * (127.0.0.1 for localhost): cookies and the CSRF origin check work under one name only.
 */
export function devOriginRedirect(host: string | undefined, appOrigin: string): string | null {
  const own = new URL(appOrigin);
  const asked = host === undefined ? null : asHost(host);
  if (!asked || asked.host === own.host || asked.port !== own.port) return null;
  return LOOPBACK_NAMES.includes(asked.hostname) && LOOPBACK_NAMES.includes(own.hostname) ? own.origin : null;
}

function decodedPath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

/** The dev mailbox page, and any tRPC call (batches included) that names a dev.* procedure. */
export function isDevToolPath(pathname: string): boolean {
  const path = decodedPath(pathname);
  if (path === null) return true;
  if (path === '/dev' || path.startsWith('/dev/')) return true;
  if (!path.startsWith('/api/trpc/')) return false;
  return path.slice('/api/trpc/'.length).split(',').some((name) => name.trim().startsWith('dev.'));
}

/**
 * Development only, for a loopback client that asked for the app's own host: a page on another
 * site whose name was rebound to 127.0.0.1 (DNS rebinding) still sends its own name in Host.
 */
export function devToolsAllowed(
  request: { clientIp: string; host: string | null },
  config: { nodeEnv: string; appOrigin: string },
): boolean {
  if (config.nodeEnv !== 'development') return false;
  if (!ipaddr.isValid(request.clientIp) || ipaddr.process(request.clientIp).range() !== 'loopback') return false;
  return request.host === new URL(config.appOrigin).host;
}
