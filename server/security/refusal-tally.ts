// Refusal floods against an audit log: the first refusal of a key in a window is recorded at once,
// the rest are only counted, and their number is recorded as one row once the window has closed.
// A flood of refused requests then costs a row or two per key and window, not one per request,
// and no refusal goes unrecorded. Copy alone.

export type Tallied<T> = { sample: T; repeated: number };
export type TallyOptions = { windowMs: number; maxKeys: number; now?: () => number };

type Window<T> = Tallied<T> & { closesAt: number };

export class RefusalTally<T> {
  private readonly windows = new Map<string, Window<T>>();
  private readonly closed: Tallied<T>[] = [];
  private readonly now: () => number;

  constructor(private readonly options: TallyOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True when this refusal must be recorded now (the first of its key's window), false when it was counted. */
  note(key: string, sample: T): boolean {
    const now = this.now();
    const open = this.windows.get(key);
    if (open && now < open.closesAt) {
      open.repeated += 1;
      return false;
    }
    if (open) this.retire(key, open);
    // Past the bound on keys, every refusal is recorded: the tally never drops one.
    if (this.windows.size >= this.options.maxKeys) return true;
    this.windows.set(key, { sample, repeated: 0, closesAt: now + this.options.windowMs });
    return true;
  }

  /** The windows closed since the last call that counted refusals: record one row for each. */
  takeClosed(): Tallied<T>[] {
    const now = this.now();
    for (const [key, window] of this.windows) {
      if (now >= window.closesAt) this.retire(key, window);
    }
    return this.closed.splice(0);
  }

  private retire(key: string, { sample, repeated }: Window<T>): void {
    this.windows.delete(key);
    if (repeated > 0) this.closed.push({ sample, repeated });
  }
}
