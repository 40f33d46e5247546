// Codes for tests, as an authenticator app would show them, never reusing a time step (the app
// refuses a step it accepted before). The next unused step is taken as soon as it is within the
// accepted drift, so a test waits only when it has used the step ahead of the clock already.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { TOTP_DRIFT_STEPS, totpCodeFor, totpStepAt } from '../server/two-factor/totp';

export class TotpClock {
  readonly secret: Uint8Array;
  private lastStep = Number.NEGATIVE_INFINITY;

  /** `key` as the account page shows it: base32 in groups of four. */
  constructor(key: string) {
    this.secret = decodeBase32IgnorePadding(key.replace(/\s/g, ''));
  }

  /** A code of a step never used before. */
  async nextCode(): Promise<string> {
    // Never a step behind the clock: near a boundary it could leave the window before it arrives.
    const step = Math.max(totpStepAt(Date.now()), this.lastStep + 1);
    while (totpStepAt(Date.now()) + TOTP_DRIFT_STEPS < step) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    this.lastStep = step;
    return totpCodeFor(this.secret, step);
  }

  /** The code of the step used last, to try a replay. */
  lastCode(): string {
    return totpCodeFor(this.secret, this.lastStep);
  }

  /** Six digits that no step within the drift accepts now. */
  wrongCode(seed: number): string {
    const now = totpStepAt(Date.now());
    const valid = new Set([-2, -1, 0, 1, 2].map((drift) => totpCodeFor(this.secret, now + drift)));
    let guess = seed % 1_000_000;
    while (valid.has(String(guess).padStart(6, '0'))) guess = (guess + 1) % 1_000_000;
    return String(guess).padStart(6, '0');
  }
}
