import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const helper = fileURLToPath(new URL('./closed-output.ts', import.meta.url));

/** Write system calls the process has made so far (Linux /proc): a count, not a time. */
async function writeCalls(pid: number): Promise<number> {
  const io = await readFile(`/proc/${pid}/io`, 'utf8');
  return Number(/^syscw: (\d+)$/m.exec(io)?.[1]);
}

/**
 * A child that reports uncaught exceptions on stderr, as Next does, writes a line every 10 ms; its
 * output pipes are then closed from this side. Returns the writes it made over the next second.
 */
async function writesAfterOutputCloses(guarded: boolean): Promise<number> {
  const script = [
    guarded ? `const { ignoreClosedOutput } = await import(${JSON.stringify(helper)}); ignoreClosedOutput();` : '',
    'process.on(\'uncaughtException\', (error) => console.error(error));',
    'setInterval(() => console.log(\'still here\'), 10);',
    'setTimeout(() => process.exit(0), 5000);',
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdout.destroy();
    child.stderr.destroy();
    await sleep(500);
    const before = await writeCalls(child.pid ?? 0);
    await sleep(1000);
    return (await writeCalls(child.pid ?? 0)) - before;
  } finally {
    child.kill('SIGKILL');
  }
}

describe.skipIf(process.platform !== 'linux')('a process whose output was closed', () => {
  it('writes only its own lines, without a loop of failures reported on the closed stream', async () => {
    const [unguarded, guarded] = [await writesAfterOutputCloses(false), await writesAfterOutputCloses(true)];
    // One failed write per line (100 a second at most) with the guard; without it, thousands.
    expect(guarded).toBeLessThanOrEqual(150);
    expect(unguarded).toBeGreaterThan(10 * guarded);
  });
});
