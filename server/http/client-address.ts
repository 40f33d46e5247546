// The client address middleware works with. Under the HTTP entry it is the socket peer the entry
// recorded (or what a proxy in TRUSTED_PROXIES wrote); where the entry does not run (serverless
// hosts, `next start`) no request carries a peer anyone stamped, so only a configured front's
// header can say who is asking. Without either, production refuses rather than let every client
// share one "unknown" budget.
import type { Config } from '@/server/core/config';
import { getLogger } from '@/server/core/log';
import { getClientIpFromHeaders, getClientIpFromPreset, UNKNOWN_IP } from '@/server/security/client-ip';

type Shared = { bastionHttpEntry?: boolean; bastionUnknownClientLogged?: boolean };
const shared = globalThis as Shared;

/** Called by the HTTP entry once it serves: from then on the peer header is its own, never a client's. */
export function markHttpEntryRunning(): void {
  shared.bastionHttpEntry = true;
}

export function requestClientIp(headers: Headers, config: Config): string {
  if (shared.bastionHttpEntry) {
    const trust = { trustedProxies: config.trustedProxies, trustedHeader: config.trustedProxyHeader };
    return getClientIpFromHeaders(headers, trust);
  }
  if (!config.clientIpPreset) return UNKNOWN_IP;
  const options = { preset: config.clientIpPreset, forwardedHops: config.clientIpForwardedHops };
  return getClientIpFromPreset(headers, options) ?? UNKNOWN_IP;
}

/** Whether production must refuse this request; the reason is logged once per process. */
export function clientUnknownInProduction(ip: string, config: Config): boolean {
  if (ip !== UNKNOWN_IP || !config.production) return false;
  if (!shared.bastionUnknownClientLogged) {
    shared.bastionUnknownClientLogged = true;
    const reason = shared.bastionHttpEntry
      ? 'the HTTP entry recorded no peer address'
      : 'the HTTP entry is not running and CLIENT_IP_PRESET is unset or its header is missing';
    getLogger().error({ reason }, 'refusing requests: no client address, so per-IP budgets cannot apply');
  }
  return true;
}
