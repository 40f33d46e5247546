// A bound on concurrent expensive work (password hashing): at most `maxConcurrent` run at once,
// a few more wait a short while for a slot, and the rest are refused at once with a 503 —
// nothing piles up in memory or on libuv's thread pool. Copy with ./errors.
import { ServiceBusyError } from './errors';

export type GateLimits = { maxConcurrent: number; maxWaitMs: number; maxWaiting: number };
export type GateLoad = Readonly<{ running: number; waiting: number; started: number; refused: number }>;

type Waiter = { admit: () => void; timer: NodeJS.Timeout };

export class ConcurrencyGate {
  private running = 0;
  private started = 0;
  private refused = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly limits: GateLimits) {
    if (!Number.isInteger(limits.maxConcurrent) || limits.maxConcurrent < 1) {
      throw new RangeError('maxConcurrent must be an integer ≥ 1');
    }
  }

  /** Runs `task` once a slot is free; throws ServiceBusyError when none frees up within maxWaitMs. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    this.started += 1;
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Tasks it can hold at once, running or waiting; one more is refused at once. */
  get capacity(): number {
    return this.limits.maxConcurrent + (this.limits.maxWaitMs > 0 ? this.limits.maxWaiting : 0);
  }

  load(): GateLoad {
    return { running: this.running, waiting: this.waiters.length, started: this.started, refused: this.refused };
  }

  private acquire(): Promise<void> {
    if (this.running < this.limits.maxConcurrent) {
      this.running += 1;
      return Promise.resolve();
    }
    if (this.waiters.length >= this.limits.maxWaiting || this.limits.maxWaitMs === 0) return this.refuse();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        admit: resolve,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          this.refuse().catch(reject);
        }, this.limits.maxWaitMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** A finished task hands its slot straight to the longest waiter, so `running` never overshoots. */
  private release(): void {
    const next = this.waiters.shift();
    if (!next) {
      this.running -= 1;
      return;
    }
    clearTimeout(next.timer);
    next.admit();
  }

  private refuse(): Promise<never> {
    this.refused += 1;
    return Promise.reject(new ServiceBusyError(1));
  }
}
