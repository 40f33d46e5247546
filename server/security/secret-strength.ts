// Refuses configured secrets that are long but guessable: one character repeated, a short pattern
// repeated, or words run together. A conservative estimate of their entropy in bits: generous to
// random text (`openssl rand -base64 48`), harsh on patterns and pronounceable runs of letters.
// Copy with nothing else; node:zlib only.
import { deflateRawSync } from 'node:zlib';

/** Assumed information in a letter of a word (English text carries less than this). */
const WORD_LETTER_BITS = 1.2;
const WORD = /[a-z]{4,}|[A-Z][a-z]{3,}/g;
const VOWEL = /[aeiouy]/i;

const CLASSES: [RegExp, number][] = [[/[a-z]/, 26], [/[A-Z]/, 26], [/[0-9]/, 10], [/[^a-zA-Z0-9]/, 33]];

/** Bits per character: at most what its character classes allow, and barely more than their spread. */
function bitsPerCharacter(chars: string[]): number {
  const present = CLASSES.filter(([pattern]) => chars.some((char) => pattern.test(char)));
  const alphabet = present.reduce((sum, [, size]) => sum + size, 0);
  return Math.min(Math.log2(alphabet), shannonBitsPerCharacter(chars) + 1);
}

function shannonBitsPerCharacter(chars: string[]): number {
  const counts = new Map<string, number>();
  for (const char of chars) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= (count / chars.length) * Math.log2(count / chars.length);
  // Miller–Madow: a short sample under-counts the spread of its source.
  return bits + (counts.size - 1) / (2 * chars.length * Math.LN2);
}

/** Letters a hex digit can be: a run of only these is as likely hex as a word (`bfafbfcecacfbac`). */
const HEX_LETTERS_ONLY = /^[a-f]+$/i;

/**
 * Words look like words: enough vowels, not too many (random lower-case runs are rarely pronounceable),
 * and at least one letter no hex digit uses.
 */
function isWordLike(run: string): boolean {
  if (HEX_LETTERS_ONLY.test(run)) return false;
  const vowels = [...run].filter((char) => VOWEL.test(char)).length;
  return vowels / run.length >= 0.25 && vowels / run.length <= 0.6;
}

/** Bits of entropy the secret holds at most, by the weakest of three estimates. */
export function estimateSecretBits(secret: string): number {
  const chars = [...secret];
  if (chars.length === 0) return 0;
  const perChar = bitsPerCharacter(chars);
  let wordLetters = (secret.match(WORD) ?? []).filter(isWordLike).reduce((sum, run) => sum + run.length, 0);
  // Random text has pronounceable stretches too; a value made mostly of them is words.
  if (wordLetters < chars.length / 2) wordLetters = 0;
  const withWords = (chars.length - wordLetters) * perChar + wordLetters * Math.min(perChar, WORD_LETTER_BITS);
  // A repeated pattern compresses: what deflate cannot squeeze out bounds what a guesser must find.
  const compressed = Math.max(0, deflateRawSync(secret, { level: 9 }).length - 2) * 8;
  return Math.floor(Math.min(withWords, compressed));
}

export const MIN_SECRET_BITS = 90;

/** Null when the secret is strong enough, else a reason safe to print at start-up. */
export function weakSecretReason(secret: string, minBits = MIN_SECRET_BITS): string | null {
  const bits = estimateSecretBits(secret);
  if (bits >= minBits) return null;
  const advice = 'use a random value, e.g. `openssl rand -base64 48`';
  return `looks guessable (about ${bits} bits of entropy, at least ${minBits} needed); ${advice}`;
}
