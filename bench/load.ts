// autocannon with the benchmarks' defaults, reduced to the figures they print.
import autocannon from 'autocannon';

export const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
export const CONNECTIONS = 32;

/** `statuses`: how many answers of each status, e.g. `429: 300, 503: 2000`. */
export type Figures = { rps: number; p50: number; p99: number; non2xx: number; statuses: string };

export async function load(url: string, options: Partial<autocannon.Options> = {}): Promise<Figures> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, ...options });
  const { latency } = result;
  const statuses = Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => `${code}: ${count ?? 0}`);
  return {
    rps: Math.round(result.requests.average),
    p50: latency.p50,
    p99: latency.p99,
    non2xx: result.non2xx,
    statuses: statuses.join(', '),
  };
}
