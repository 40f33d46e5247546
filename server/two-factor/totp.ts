// TOTP (RFC 6238) as authenticator apps expect it: 6 digits, 30-second steps, HMAC-SHA-1, one step
// of clock drift either way. The HMAC and base32 come from @oslojs; this file decides which time
// step a code belongs to, so the caller can refuse any step not later than the last one accepted.
import { randomBytes } from 'node:crypto';
import { encodeBase32NoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP, verifyHOTP } from '@oslojs/otp';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_DRIFT_STEPS = 1;
const SECRET_BYTES = 20;
const ISSUER = 'Bastion';
const TOTP_CODE = /^\d{6}$/;

/** A new 20-byte secret (RFC 4226's recommended length for HMAC-SHA-1). */
export function generateTotpSecret(): Uint8Array {
  return new Uint8Array(randomBytes(SECRET_BYTES));
}

/** The key as people type it into an authenticator app: base32 in groups of four. */
export function displayTotpKey(secret: Uint8Array): string {
  return encodeBase32NoPadding(secret).replace(/(.{4})(?=.)/g, '$1 ');
}

/** The otpauth:// URI that the enrolment QR code carries. */
export function totpKeyUri(accountName: string, secret: Uint8Array): string {
  return createTOTPKeyURI(ISSUER, accountName, secret, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

export function totpStepAt(unixMs: number): number {
  return Math.floor(unixMs / (TOTP_PERIOD_SECONDS * 1000));
}

export function totpCodeFor(secret: Uint8Array, step: number): string {
  return generateHOTP(secret, BigInt(step), TOTP_DIGITS);
}

export function looksLikeTotpCode(code: string): boolean {
  return TOTP_CODE.test(code);
}

/** The time step within the drift window whose code this is, or null. Checks every step, in constant order. */
export function matchTotpStep(secret: Uint8Array, code: string, unixMs: number): number | null {
  if (!looksLikeTotpCode(code)) return null;
  const now = totpStepAt(unixMs);
  let matched: number | null = null;
  for (let step = now - TOTP_DRIFT_STEPS; step <= now + TOTP_DRIFT_STEPS; step += 1) {
    if (verifyHOTP(secret, BigInt(step), TOTP_DIGITS, code) && matched === null) matched = step;
  }
  return matched;
}

/** RFC 6238 §5.2: a verifier must not accept a code twice, so each step must be later than the last accepted. */
export function isFreshStep(step: number, lastAcceptedStep: number | null): boolean {
  return lastAcceptedStep === null || step > lastAcceptedStep;
}
