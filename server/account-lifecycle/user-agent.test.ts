import { describe, expect, it } from 'vitest';
import { readableUserAgent } from './user-agent';

describe('readableUserAgent', () => {
  it('names the browser, its major version and the system', () => {
    const firefox = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
    expect(readableUserAgent(firefox)).toBe('Firefox 128 on Windows');
  });

  it('says so when there is no user agent at all', () => {
    expect(readableUserAgent('')).toBe('an unknown browser');
  });

  it('keeps at most 120 characters of a text it cannot read', () => {
    expect(readableUserAgent('x'.repeat(10_000))).toHaveLength(120);
  });
});
