// autocannon with the benchmarks' defaults, reduced to the figures they print.
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';

export const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
export const CONNECTIONS = 32;

/** `statuses`: how many answers of each status, e.g. `429: 300, 503: 2000`. */
export type Figures = {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  statuses: string;
};

export async function load(url: string, options: Partial<autocannon.Options> = {}): Promise<Figures> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, ...options });
  const { latency } = result;
  const statuses = Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => `${code}: ${count ?? 0}`);
  return {
    rps: Math.round(result.requests.average),
    p50: latency.p50,
    p99: latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    statuses: statuses.join(', '),
  };
}

/** CPU time a process has used so far (user + system), in ms, from /proc (Linux). */
export async function processCpuMs(pid: number): Promise<number> {
  // utime and stime are fields 14 and 15, counted after the command name's closing parenthesis.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

export const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
