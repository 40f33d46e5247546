// Work a request leaves for after its answer (the mail to an address that may or may not have an
// account). The answer promised it, so shutdown waits for it as it waits for requests in flight.
import { processSingleton } from './singleton';

const pendingWork = () => processSingleton('background-work', () => new Set<Promise<unknown>>());

/** Keeps `work` in view until it settles; `work` must handle its own failure. */
export function trackBackgroundWork(work: Promise<unknown>): void {
  const pending = pendingWork();
  pending.add(work);
  const forget = () => pending.delete(work);
  work.then(forget, forget);
}

/** Whether all tracked work settled by `deadline` (a `Date.now()` time). */
export async function backgroundWorkSettled(deadline: number): Promise<boolean> {
  const pending = pendingWork();
  while (pending.size > 0 && Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now())));
    await Promise.race([Promise.allSettled([...pending]), timeUp]);
    clearTimeout(timer);
  }
  return pending.size === 0;
}
