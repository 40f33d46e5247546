// A nameserver that never answers must not stall the process. dns.lookup runs getaddrinfo on
// libuv's small thread pool with no timeout, so stuck lookups delay every other lookup (database,
// Redis). This resolver asks c-ares directly, with a deadline, cancellation and a cap on lookups
// in flight. It reads no /etc/hosts. Copy with ./errors.ts.
import type { LookupAddress } from 'node:dns';
import { Resolver as CaresResolver } from 'node:dns/promises';
import { TooManyRequestsError } from './errors';

/** Host name → every address it resolves to (A and AAAA). Rejects on failure, timeout or abort. */
export type Resolver = (hostname: string, signal?: AbortSignal) => Promise<readonly LookupAddress[]>;

export interface DnsResolverOptions {
  /** Nameservers as `ip` or `ip:port` (`[v6]:port`). Default: the system's, from resolv.conf. */
  servers?: readonly string[];
  /** Deadline for one lookup, A and AAAA together. Default 3 s. */
  timeoutMs?: number;
  /** Lookups in flight at once; one more is refused at once (429), never queued. Default 8. */
  maxConcurrent?: number;
}

export class DnsBusyError extends TooManyRequestsError {
  constructor(retryAfterSeconds: number) {
    super(retryAfterSeconds, 'Too many address lookups are in progress. Please try again shortly.');
  }
}

/** Throws what `dns.promises.Resolver#setServers` throws for a server it cannot use. */
export function assertNameservers(servers: readonly string[]): void {
  new CaresResolver().setServers([...servers]);
}

async function lookupBoth(resolver: CaresResolver, hostname: string): Promise<LookupAddress[]> {
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
  const addresses = [
    ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
    ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
  ];
  if (addresses.length > 0) return addresses;
  throw v4.status === 'rejected' ? v4.reason : new Error(`No addresses for ${hostname}`);
}

/** A Resolver on c-ares: each lookup gets its own channel, so cancelling one cancels nothing else. */
export function createDnsResolver(options: DnsResolverOptions = {}): Resolver {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const maxConcurrent = options.maxConcurrent ?? 8;
  let inFlight = 0;
  return async (hostname, signal) => {
    signal?.throwIfAborted();
    if (inFlight >= maxConcurrent) throw new DnsBusyError(timeoutMs / 1000);
    inFlight++;
    const resolver = new CaresResolver({ timeout: timeoutMs, tries: 1 });
    if (options.servers) resolver.setServers([...options.servers]);
    const cancel = () => resolver.cancel();
    const deadline = setTimeout(cancel, timeoutMs);
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      return await lookupBoth(resolver, hostname);
    } finally {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', cancel);
      inFlight--;
    }
  };
}
