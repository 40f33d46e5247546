// WebAuthn relying party: the RP ID and the origins an assertion may come from, derived from the
// configured public origin, never from a request's Host header. Copy on its own (node:net only).
import { isIP } from 'node:net';

export type RelyingParty = { id: string; name: string; origins: string[] };

const LOOPBACK = new Set(['127.0.0.1', '::1']);

function hostOf(origin: string): string {
  return new URL(origin).hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Whether a browser would accept `rpId` for a page on `host`: the host itself or a parent domain. */
export function rpIdMatchesHost(rpId: string, host: string): boolean {
  if (isIP(rpId) || isIP(host)) return rpId === host;
  return host === rpId || host.endsWith(`.${rpId}`);
}

/**
 * The relying party of `appOrigin`, or an error naming what cannot work: an RP ID that is not the
 * origin's host or a parent of it, or a non-loopback IP address (browsers accept only domains;
 * loopback addresses are allowed so that tests can verify server-side). Other allowed origins take
 * part only when they fall under the RP ID.
 */
export function relyingParty(
  appOrigin: string,
  options: { rpId?: string; allowedOrigins?: string[]; name?: string } = {},
): RelyingParty {
  const host = hostOf(appOrigin);
  const id = (options.rpId ?? host).toLowerCase();
  if (isIP(id) && !LOOPBACK.has(id)) throw new Error(`an IP address (${id}) cannot be a WebAuthn RP ID; use a domain name`);
  if (!rpIdMatchesHost(id, host)) throw new Error(`RP ID ${id} does not match the origin ${appOrigin}`);
  const others = (options.allowedOrigins ?? []).filter((origin) => rpIdMatchesHost(id, hostOf(origin)));
  const origins = [...new Set([appOrigin, ...others])];
  return { id, name: options.name ?? id, origins };
}
