// autocannon with the benchmarks' defaults, reduced to the figures they print.
import autocannon from 'autocannon';

export const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
export const CONNECTIONS = 32;

export type Figures = { rps: number; p50: number; p99: number; non2xx: number };

export async function load(url: string, options: Partial<autocannon.Options> = {}): Promise<Figures> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, ...options });
  const { latency } = result;
  return { rps: Math.round(result.requests.average), p50: latency.p50, p99: latency.p99, non2xx: result.non2xx };
}
