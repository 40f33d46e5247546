// Load shedding at the HTTP entry: past a cap on requests in flight, while the event loop lags,
// or once shutdown has begun, a request is refused at once with 503 and Retry-After instead of
// waiting in a queue without bound. /api/health is never shed, and reports the pressure.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { existingProcessSingleton, publishProcessSingleton } from '@/server/core/singleton';
import { busy, type Refusal, refusal } from './refusal';

export type Pressure = {
  underPressure: boolean;
  requestsInFlight: number;
  maxRequestsInFlight: number;
  eventLoopDelayMs: number;
  /** The 99th percentile of event-loop delay over the last sampling interval. */
  eventLoopDelayP99Ms: number;
  eventLoopLagLimitMs: number;
  shed: number;
  draining: boolean;
};

export type LoadLimits = { maxRequestsInFlight: number; eventLoopLagLimitMs: number };
type ShedLog = { warn(object: object, message: string): void };

const SAMPLE_INTERVAL_MS = 500;
const RESOLUTION_MS = 10;
const LOG_INTERVAL_MS = 10_000;
const HEALTH_PATH = /^\/api\/health(?:\?|$)/;

const SHED_IN_FLIGHT = busy('in-flight');
const SHED_LAG = busy('event-loop-lag');
const draining = refusal(503, 'The server is restarting. Please try again shortly.', {
  'Retry-After': '1',
  'Connection': 'close',
});

export class LoadShedder {
  private inFlight = 0;
  private open = 0;
  private shedTotal = 0;
  private shedSinceLog = 0;
  private lastLoggedAt = 0;
  private lagMs = 0;
  private lagP99Ms = 0;
  private isDraining = false;
  private readonly histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly sampler: NodeJS.Timeout;

  constructor(private readonly limits: LoadLimits, private readonly log: ShedLog) {
    this.histogram.enable();
    let sampledAt = performance.now();
    // The sampler's own lateness counts too: after a stall it is the first to know, before the
    // requests that queued up meanwhile are read.
    this.sampler = setInterval(() => {
      const now = performance.now();
      const late = now - sampledAt - SAMPLE_INTERVAL_MS;
      sampledAt = now;
      const mean = Number.isNaN(this.histogram.mean) ? 0 : this.histogram.mean / 1e6 - RESOLUTION_MS;
      this.lagMs = Math.max(0, mean, late);
      this.lagP99Ms = Math.max(0, this.histogram.percentile(99) / 1e6 - RESOLUTION_MS, late);
      this.histogram.reset();
    }, SAMPLE_INTERVAL_MS);
    this.sampler.unref();
  }

  /**
   * Called as a request arrives, before its body is read: refused once shutdown has begun, else
   * tracked until its answer is sent, so shutdown can wait for it.
   */
  arrive(res: ServerResponse): Refusal | null {
    if (this.isDraining) return this.countShed(draining);
    this.open += 1;
    res.once('close', () => (this.open -= 1));
    return null;
  }

  /** Called once the request is whole and screened: the refusal when it must not start now, else null. */
  admit(req: IncomingMessage, res: ServerResponse): Refusal | null {
    if (HEALTH_PATH.test(req.url ?? '')) return null;
    const refused = this.reasonToShed();
    if (refused) return this.countShed(refused);
    this.inFlight += 1;
    res.once('close', () => (this.inFlight -= 1));
    return null;
  }

  pressure(): Pressure {
    return {
      underPressure: this.reasonToShed() !== null,
      requestsInFlight: this.inFlight,
      maxRequestsInFlight: this.limits.maxRequestsInFlight,
      eventLoopDelayMs: Math.round(this.lagMs),
      eventLoopDelayP99Ms: Math.round(this.lagP99Ms),
      eventLoopLagLimitMs: this.limits.eventLoopLagLimitMs,
      shed: this.shedTotal,
      draining: this.isDraining,
    };
  }

  /** Requests that arrived and have not been answered yet, whether admitted or still sending their body. */
  get openRequests(): number {
    return this.open;
  }

  /** From now on every new request is refused; the ones in flight go on. */
  drain(): void {
    this.isDraining = true;
  }

  stop(): void {
    clearInterval(this.sampler);
    this.histogram.disable();
  }

  private reasonToShed(): Refusal | null {
    if (this.inFlight >= this.limits.maxRequestsInFlight) return SHED_IN_FLIGHT;
    if (this.lagMs > this.limits.eventLoopLagLimitMs) return SHED_LAG;
    return null;
  }

  /** Counts a refusal made here or elsewhere at the entry: one log line per interval, not one per request. */
  countShed(refused: Refusal): Refusal {
    this.shedTotal += 1;
    this.shedSinceLog += 1;
    const now = Date.now();
    if (now - this.lastLoggedAt >= LOG_INTERVAL_MS) {
      this.log.warn({ ...this.pressure(), shedSinceLastLog: this.shedSinceLog }, 'requests shed under load');
      this.lastLoggedAt = now;
      this.shedSinceLog = 0;
    }
    return refused;
  }
}

type PressureSource = Pick<LoadShedder, 'pressure'>;

/** Lets /api/health, in Next's own bundle, read the entry's pressure. */
export const publishPressure = (shedder: LoadShedder) => publishProcessSingleton<PressureSource>('load-shedder', shedder);

/** The entry's pressure, or null when the app runs without the entry (`next dev` alone). */
export const readPressure = (): Pressure | null => existingProcessSingleton<PressureSource>('load-shedder')?.pressure() ?? null;
