import { z } from 'zod';

// Postgres refuses NUL in text (a 500 if it got that far), and control characters or unpaired
// surrogates in a form field only ever come from scripts. In a `u` regex an unpaired surrogate is
// its own code point, in category Cs.
const CONTROL_OR_UNPAIRED_SURROGATE = /[\p{Cc}\p{Cs}]/u;

/** Text a procedure takes: at most `max` UTF-16 units, no control characters; 400 otherwise. */
export function textInput(max: number, tooLong = 'That is too long.') {
  return z
    .string()
    .max(max, tooLong)
    .refine((text) => !CONTROL_OR_UNPAIRED_SURROGATE.test(text), 'Control characters are not allowed here.');
}
