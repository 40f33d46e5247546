import { z } from 'zod';

/** Trimmed, NFKC-normalised, case-folded: one account per mailbox however it is typed. */
export function normaliseEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export const emailSchema = z
  .string()
  .max(254, 'That email address is too long.')
  .transform(normaliseEmail)
  .pipe(z.email('Enter a valid email address.'));
