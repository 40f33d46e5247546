// 429s are audited once per window for each client, procedure and event: the first at once, the
// rest as one row with their number (`repeated`) once the window has closed. A flood of refused
// sign-ins then costs no query per request: no audit insert, no session lookup.
import { getAuditLog } from '@/server/core/audit-log';
import { processSingleton } from '@/server/core/singleton';
import type { AuditEntry } from '@/server/security/audit';
import { RefusalTally } from '@/server/security/refusal-tally';

const WINDOW_MS = 10_000;
const MAX_KEYS = 10_000;

function recordClosedWindows(tally: RefusalTally<AuditEntry>): void {
  for (const { sample, repeated } of tally.takeClosed()) {
    const details = { ...sample.details, repeated, windowSeconds: WINDOW_MS / 1000 };
    // record() logs a storage failure itself.
    void getAuditLog().record({ ...sample, details });
  }
}

const tally = () => processSingleton('refusal-audit', () => {
  const created = new RefusalTally<AuditEntry>({ windowMs: WINDOW_MS, maxKeys: MAX_KEYS });
  setInterval(() => recordClosedWindows(created), WINDOW_MS).unref();
  return created;
});

/** True when this 429 is the first of its window and must be audited now; false when it was counted. */
export function isFirstRefusalOfWindow(entry: AuditEntry): boolean {
  return tally().note(`${entry.event}|${entry.ip ?? ''}|${entry.path ?? ''}`, entry);
}
