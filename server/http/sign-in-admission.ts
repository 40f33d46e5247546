// Requests that hash a password (sign-in, activation, reset, password change, step-up) are admitted
// at the entry, before Next parses anything, up to what the password-hashing gate can run and queue;
// past that they get a fast 503 + Retry-After. A refused request verifies no password, so the
// throttles' bound on verifications holds, and a sign-in flood costs other requests next to nothing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { existingProcessSingleton, publishProcessSingleton } from '@/server/core/singleton';
import { busy, type Refusal } from './refusal';

/** The tRPC procedures that hash or verify a password. */
const HASHING_PROCEDURES: ReadonlySet<string> = new Set([
  'auth.login',
  'auth.activate',
  'auth.resetPassword',
  'account.changePassword',
  'lifecycle.requestEmailChange',
  'lifecycle.deleteAccount',
  'twoFactor.confirmIdentity',
]);

const TRPC_ENDPOINT = '/api/trpc';

export type SignInLoad = Readonly<{ inFlight: number; capacity: number; peak: number; shed: number }>;

const SHED_SIGN_INS = busy('sign-ins');

const trimSlashes = (path: string) => path.split('/').filter(Boolean).join('/');

/**
 * How many password-hashing calls a request names. tRPC reads the procedures from the path, decoded
 * and comma-separated in a batch, so the same is done here: `auth%2Elogin` counts as `auth.login`.
 */
export function hashingCalls(url: string): number {
  const pathname = url.split('?', 1)[0] ?? '';
  if (!pathname.startsWith(`${TRPC_ENDPOINT}/`)) return 0;
  let procedures: string;
  try {
    procedures = decodeURIComponent(trimSlashes(pathname.slice(TRPC_ENDPOINT.length)));
  } catch {
    return 0; // tRPC answers 400 to a path it cannot decode, before any procedure runs
  }
  return procedures.split(',').filter((name) => HASHING_PROCEDURES.has(name)).length;
}

export class SignInAdmission {
  private inFlight = 0;
  private peak = 0;
  private shed = 0;

  /** `countShed` records every refusal (the entry's once-per-interval log line). */
  constructor(readonly capacity: number, private readonly countShed: (refused: Refusal) => Refusal) {}

  /** The refusal when the hashing work this request names does not fit now, else null (slots held until it closes). */
  admit(req: IncomingMessage, res: ServerResponse): Refusal | null {
    const calls = hashingCalls(req.url ?? '/');
    if (calls === 0) return null;
    const slots = Math.min(calls, this.capacity);
    if (this.inFlight + slots > this.capacity) {
      this.shed += 1;
      return this.countShed(SHED_SIGN_INS);
    }
    this.inFlight += slots;
    this.peak = Math.max(this.peak, this.inFlight);
    res.once('close', () => (this.inFlight -= slots));
    return null;
  }

  load(): SignInLoad {
    return { inFlight: this.inFlight, capacity: this.capacity, peak: this.peak, shed: this.shed };
  }
}

/** Lets /api/health, in Next's own bundle, read the entry's sign-in admission. */
export const publishSignInLoad = (admission: SignInAdmission) => publishProcessSingleton('sign-in-admission', admission);

/** The entry's sign-in admission, or null when the app runs without the entry. */
export const readSignInLoad = (): SignInLoad | null =>
  existingProcessSingleton<SignInAdmission>('sign-in-admission')?.load() ?? null;
