import { describe, expect, it } from 'vitest';
import { ConcurrencyGate } from './concurrency-gate';
import { ServiceBusyError } from './errors';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function heldTasks() {
  const releases: (() => void)[] = [];
  let peak = 0;
  let running = 0;
  const task = () =>
    new Promise<void>((resolve) => {
      running += 1;
      peak = Math.max(peak, running);
      releases.push(() => {
        running -= 1;
        resolve();
      });
    });
  return { task, releaseAll: () => releases.splice(0).forEach((release) => release()), peak: () => peak };
}

describe('ConcurrencyGate', () => {
  it('never runs more than maxConcurrent tasks, however many are asked for at once', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 2, maxWaitMs: 5_000, maxWaiting: 100 });
    const held = heldTasks();
    const all = Promise.all(Array.from({ length: 10 }, () => gate.run(held.task)));
    for (let round = 0; round < 5; round++) {
      await sleep(1);
      expect(gate.load().running).toBeLessThanOrEqual(2);
      held.releaseAll();
    }
    await all;
    expect(held.peak()).toBe(2);
    expect(gate.load()).toEqual({ running: 0, waiting: 0, started: 10, refused: 0 });
  });

  it('refuses at once past maxWaiting, with a 503 and Retry-After, and runs nothing for it', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 1, maxWaitMs: 5_000, maxWaiting: 2 });
    const held = heldTasks();
    const results = Array.from({ length: 6 }, () => gate.run(held.task).then(() => 'ran', (error: unknown) => error));
    await sleep(1);
    expect(gate.load()).toMatchObject({ running: 1, waiting: 2, refused: 3 });
    for (let round = 0; round < 3; round++) {
      held.releaseAll();
      await sleep(1);
    }
    const settled = await Promise.all(results);
    expect(settled.filter((result) => result === 'ran')).toHaveLength(3);
    const refused = settled.filter((result) => result instanceof ServiceBusyError);
    expect(refused).toHaveLength(3);
    expect(refused[0]).toMatchObject({ status: 503, retryAfterSeconds: 1 });
    expect(gate.load().started).toBe(3);
  });

  it('refuses a waiter whose slot did not free up within maxWaitMs, and frees its place in line', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 1, maxWaitMs: 20, maxWaiting: 1 });
    const held = heldTasks();
    const first = gate.run(held.task);
    await expect(gate.run(held.task)).rejects.toBeInstanceOf(ServiceBusyError);
    expect(gate.load()).toMatchObject({ running: 1, waiting: 0, refused: 1 });
    held.releaseAll();
    await first;
    await gate.run(async () => undefined);
    expect(gate.load()).toEqual({ running: 0, waiting: 0, started: 2, refused: 1 });
  });

  it('holds as many tasks as run and may wait, and no waiting ones when it may not wait', () => {
    expect(new ConcurrencyGate({ maxConcurrent: 2, maxWaitMs: 1_000, maxWaiting: 8 }).capacity).toBe(10);
    expect(new ConcurrencyGate({ maxConcurrent: 2, maxWaitMs: 0, maxWaiting: 8 }).capacity).toBe(2);
  });
});
