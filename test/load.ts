// A small bounded load generator for fault tests: workers send requests over node:http until a
// deadline or a call count, and every outcome is kept (status, or the error that took its place).
// Each call has a bound: a request not answered within it counts as 'timeout' (a hang), never waits on.
import { Agent, request } from 'node:http';

export type Shot = { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer };
export type Outcome = {
  shot: Shot;
  startedAt: number;
  endedAt: number;
  status: number | null;
  error: string | null;
  text: string;
};
export type LoadOptions = {
  concurrency: number;
  durationMs: number;
  maxCalls?: number;
  boundMs: number;
  keepAlive?: boolean;
};

export function send(origin: string, shot: Shot, boundMs: number, agent: Agent | false): Promise<Outcome> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const done = (status: number | null, error: string | null, text = '') =>
      resolve({ shot, startedAt, endedAt: Date.now(), status, error, text });
    const req = request(`${origin}${shot.path}`, { method: shot.method ?? 'GET', headers: shot.headers, agent });
    req.setTimeout(boundMs, () => {
      req.destroy();
      done(null, 'timeout');
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => done(res.statusCode ?? null, null, text));
      res.on('error', (error: NodeJS.ErrnoException) => done(null, error.code ?? error.message));
    });
    req.on('error', (error: NodeJS.ErrnoException) => done(null, error.code ?? error.message));
    req.end(shot.body);
  });
}

/** Sends `next(i)` from `concurrency` workers until `durationMs` have passed or `maxCalls` were sent. */
export async function runLoad(origin: string, next: (i: number) => Shot, options: LoadOptions): Promise<Outcome[]> {
  const agent = options.keepAlive === false ? false : new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const outcomes: Outcome[] = [];
  const deadline = Date.now() + options.durationMs;
  const maxCalls = options.maxCalls ?? Number.POSITIVE_INFINITY;
  let sent = 0;
  const worker = async () => {
    while (Date.now() < deadline && sent < maxCalls) {
      outcomes.push(await send(origin, next(sent++), options.boundMs, agent));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  if (agent) agent.destroy();
  return outcomes;
}

/** How many outcomes of each kind: `200`, `503`, `ECONNREFUSED`, `timeout`… */
export function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { status, error } of outcomes) {
    const kind = error ?? String(status);
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** Resident memory of a process, in MiB, from /proc (Linux). */
export async function residentMiB(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kib / 1024);
}
