// Sign-ins in flight per process. Each one reads the account, reserves throttle budgets and may
// hash, so past this bound a flood is refused (503 + Retry-After) before it touches Postgres,
// Redis or argon2, and the database pool stays free for everyone else. Unknown and known emails
// pass the same gate, so it says nothing about which accounts exist.
import { getConfig } from '@/server/config';
import { ConcurrencyGate } from '@/server/security/concurrency-gate';
import { defaultHashConcurrency } from '@/server/security/password';

/** Sign-ins per hashing slot: enough to keep the hashes busy while others read and reserve. */
const SIGN_INS_PER_HASH = 4;

type Shared = { bastionSignInGate?: ConcurrencyGate };

export function signInGate(): ConcurrencyGate {
  const shared = globalThis as Shared;
  if (shared.bastionSignInGate) return shared.bastionSignInGate;
  const { load } = getConfig();
  const maxConcurrent = (load.passwordHashConcurrency || defaultHashConcurrency()) * SIGN_INS_PER_HASH;
  shared.bastionSignInGate = new ConcurrencyGate({ maxConcurrent, maxWaitMs: load.passwordHashWaitMs, maxWaiting: maxConcurrent });
  return shared.bastionSignInGate;
}
