// Keys the throttle store has just refused, answered in-process until their retry time, so a
// flood against a locked key costs no round trip. It can only refuse what the store refused,
// never allow anything; it is bounded in size; and an entry is trusted for at most `maxStaleMs`,
// so a reset made by another app instance holds everywhere within that time. Copy with ./throttle
// and lru-cache.
import { LRUCache } from 'lru-cache';

export type BlockedCacheOptions = { maxKeys: number; maxStaleMs: number };

type Blocked = { attempts: number; retryEndsAt: number };

export class BlockedKeyCache {
  private readonly entries: LRUCache<string, Blocked>;

  constructor(options: BlockedCacheOptions) {
    this.entries = new LRUCache<string, Blocked>({
      max: options.maxKeys,
      ttl: options.maxStaleMs,
      ttlAutopurge: false,
    });
  }

  /** The refusal to answer without asking the store, or null to ask it. */
  get(key: string): { attempts: number; retryAfterMs: number } | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    const retryAfterMs = entry.retryEndsAt - performance.now();
    if (retryAfterMs > 0) return { attempts: entry.attempts, retryAfterMs };
    this.entries.delete(key);
    return null;
  }

  /** Remembers what the store just answered: refused for `retryAfterMs` more (0: not refused). */
  remember(key: string, attempts: number, retryAfterMs: number): void {
    if (retryAfterMs <= 0) return void this.entries.delete(key);
    const ttl = Math.min(retryAfterMs, this.entries.ttl);
    this.entries.set(key, { attempts, retryEndsAt: performance.now() + retryAfterMs }, { ttl });
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
