import { describe, expect, it } from 'vitest';
import { backgroundWorkSettled, trackBackgroundWork } from './background-work';

describe('background work', () => {
  it('is waited for until it settles, failed or not', async () => {
    const done: string[] = [];
    const later = (name: string, fail = false) =>
      new Promise<void>((resolve, reject) => {
        setTimeout(() => {
          done.push(name);
          if (fail) reject(new Error(name));
          else resolve();
        }, 20);
      });
    trackBackgroundWork(later('mail'));
    trackBackgroundWork(later('audit', true).catch(() => undefined));
    expect(await backgroundWorkSettled(Date.now() + 60_000)).toBe(true);
    expect(done.sort()).toEqual(['audit', 'mail']);
  });

  it('is given up on at the deadline when it never settles', async () => {
    trackBackgroundWork(new Promise(() => undefined));
    expect(await backgroundWorkSettled(Date.now() + 20)).toBe(false);
  });
});
