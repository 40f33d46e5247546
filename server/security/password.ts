// Passwords: argon2id at or above OWASP's minimum (19 MiB, t=2, p=1), hashed on libuv's thread
// pool (off the event loop), rehash when parameters change, a dummy verification that costs the
// same as a real one, and a NIST 800-63B policy. Copy with ./common-passwords.ts, ./concurrency-gate.ts,
// ./errors.ts and @node-rs/argon2.
//
// @node-rs/argon2 rather than `argon2` (node-argon2): it ships one prebuilt binary per platform
// as an optional package and needs no install script; node-argon2's bundled linux-x64 prebuild
// crashed (SIGSEGV) on our CI machines unless rebuilt from source.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { COMMON_PASSWORDS } from './common-passwords';
import { ConcurrencyGate, type GateLimits } from './concurrency-gate';

// The package's `Algorithm` is a const enum, which isolated modules cannot read: 2 is Argon2id.
const ARGON2ID = 2;
export const PASSWORD_HASH_PARAMS = Object.freeze({
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** The most argon2 memory in use at once, whatever the core count. */
const HASH_MEMORY_BUDGET_KIB = 256 * 1024;

/**
 * Hashes at once: a core each but one (the event loop keeps a core for every other request), at
 * most 3 (libuv's pool has 4 threads, one stays free for files and DNS), within the memory budget.
 */
export function defaultHashConcurrency(cores = availableParallelism()): number {
  const byMemory = Math.floor(HASH_MEMORY_BUDGET_KIB / PASSWORD_HASH_PARAMS.memoryCost);
  return Math.max(1, Math.min(cores - 1, 3, byMemory));
}

type Shared = { bastionPasswordHashGate?: ConcurrencyGate };

function gateLimits({ maxConcurrent = defaultHashConcurrency(), maxWaitMs = 1_000 }: Partial<GateLimits>): GateLimits {
  return { maxConcurrent, maxWaitMs, maxWaiting: maxConcurrent * 4 };
}

/**
 * Every hash and verification (the dummy one included, so the gate says nothing about which
 * accounts exist) waits for one process-wide gate; past it, ServiceBusyError (503).
 */
function hashGate(): ConcurrencyGate {
  const shared = globalThis as Shared;
  shared.bastionPasswordHashGate ??= new ConcurrencyGate(gateLimits({}));
  return shared.bastionPasswordHashGate;
}

/** Sets the gate's size and wait, once at start-up; unset fields keep their defaults. */
export function limitPasswordHashing(limits: Partial<Pick<GateLimits, 'maxConcurrent' | 'maxWaitMs'>>): void {
  (globalThis as Shared).bastionPasswordHashGate = new ConcurrencyGate(gateLimits(limits));
}

export const passwordHashingLoad = () => hashGate().load();

/** How many hashes the gate runs and queues at once: more requests than this would only be refused by it. */
export const passwordHashingCapacity = () => hashGate().capacity;

// NFKC so that the same passphrase typed on different keyboards (composed or not) verifies.
const normalise = (plain: string) => plain.normalize('NFKC');

export async function hashPassword(plain: string): Promise<string> {
  return hashGate().run(() => argon2Hash(normalise(plain), PASSWORD_HASH_PARAMS));
}

export async function verifyPassword(hash: string, plain: string): Promise<boolean> {
  if (typeof plain !== 'string' || plain.length > PASSWORD_MAX_LENGTH * 4) return false;
  return hashGate().run(async () => {
    try {
      return await argon2Verify(hash, normalise(plain));
    } catch {
      return false;
    }
  });
}

// The PHC string argon2 writes: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
const PHC = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/** True when `hash` was made with other parameters than today's (or is not an argon2 hash at all). */
export function needsRehash(hash: string): boolean {
  const match = typeof hash === 'string' ? PHC.exec(hash) : null;
  if (!match) return true;
  const [, variant, version, memory, time, parallelism] = match;
  const want = PASSWORD_HASH_PARAMS;
  return variant !== 'argon2id' || version !== '19' || Number(memory) !== want.memoryCost || Number(time) !== want.timeCost || Number(parallelism) !== want.parallelism;
}

let dummyHash: Promise<string> | undefined;

/**
 * One real verification against a fixed hash: call it when the user does not exist. Always false.
 * It takes exactly verifyPassword's path — same input, same length check — so no input (not even
 * one at the length limit) is answered faster for an unknown account than for a known one.
 */
export async function verifyDummyPassword(plain: string): Promise<false> {
  // Made once per process outside the gate: a refusal here would be remembered for ever.
  dummyHash ??= argon2Hash(randomBytes(32).toString('base64url'), PASSWORD_HASH_PARAMS);
  await verifyPassword(await dummyHash, plain);
  return false;
}

export type PolicyVerdict = { ok: true } | { ok: false; message: string };

/** Length and a blocklist of common passwords; no composition rules (NIST 800-63B). */
export function checkPasswordPolicy(password: string, context: { email?: string } = {}): PolicyVerdict {
  const length = [...normalise(password)].length;
  // NFKC expands compatibility characters ('ﷺ' becomes 18 letters): the minimum also applies to
  // what was typed, or one keystroke would pass for twelve.
  const typedLength = [...password].length;
  if (Math.min(length, typedLength) < PASSWORD_MIN_LENGTH) {
    return { ok: false, message: `Use at least ${PASSWORD_MIN_LENGTH} characters.` };
  }
  if (length > PASSWORD_MAX_LENGTH) return { ok: false, message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  const lowered = normalise(password).toLowerCase();
  if (COMMON_PASSWORDS.has(lowered)) return { ok: false, message: 'That password is too common. Choose something less predictable.' };
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 3 && lowered.includes(local)) return { ok: false, message: 'Do not use your email address in your password.' };
  return { ok: true };
}
