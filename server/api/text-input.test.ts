import { describe, expect, it } from 'vitest';
import { countStringWork } from '@/test/string-work';
import { textInput } from './text-input';

const schema = textInput(100_000);
const CLEAN = ['plain', 'correct horse battery staple', 'café 日本語 👍🏽 عربى', '\u200D\u202E\uFEFF', ''];
const HOSTILE = [
  '\u0000', 'a\u0000b', '\t', 'line\nbreak', '\r', '\u001b[31m', '\u007f', '\u0085', '\u009f', 'a\uD800', '\uDC00',
];

describe('textInput', () => {
  it.each(CLEAN)('accepts %j', (text) => {
    expect(schema.safeParse(text)).toEqual({ success: true, data: text });
  });

  it.each(HOSTILE)('refuses %j with a message safe to show', (text) => {
    const result = schema.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['Control characters are not allowed here.']);
  });

  it('refuses text over its bound with the given message', () => {
    expect(textInput(3, 'Too long.').safeParse('abcd').error?.issues[0]?.message).toBe('Too long.');
  });

  it.each([
    ['a run of dots', '.'],
    ['a run of spaces', ' '],
    ['a run of slashes', '/'],
    ['combining marks', '\u0301\u0316'],
    ['surrogate pairs', '👍🏽'],
  ])('checks %s in work linear in its length', (_label, unit) => {
    const work = (repeat: number) => countStringWork(() => schema.safeParse(`a${unit.repeat(repeat)}\u0000`));
    expect(work(8_000)).toBeLessThanOrEqual(work(1_000) * 8 * 1.25);
  });
});
