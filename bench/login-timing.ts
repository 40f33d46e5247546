// Benchmark, not a test: does a login for an unknown email cost the same as a wrong password for
// a real account? Compares verifyPassword (real hash) with verifyDummyPassword, and — as the named
// alternative — answering unknown emails at once without any verification (what leaks accounts).
import { pathToFileURL } from 'node:url';
import { hashPassword, verifyDummyPassword, verifyPassword } from '../server/security/password';

const SAMPLES = 40;

async function sample(label: string, call: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const start = process.hrtime.bigint();
    await call();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { label, p10: at(0.1), p50: at(0.5), p90: at(0.9) };
}

export default async function run(): Promise<void> {
  const hash = await hashPassword('the real password of a real user');
  await verifyDummyPassword('warm-up');
  const rows = [
    await sample('known email, wrong password (verifyPassword)', () => verifyPassword(hash, 'a wrong guess')),
    await sample('unknown email (verifyDummyPassword)', () => verifyDummyPassword('a wrong guess')),
    await sample('unknown email, no dummy verify (naive)', async () => false),
  ];
  console.log(`\nlogin timing, ${SAMPLES} samples each (ms)`);
  console.table(rows.map((row) => ({
    case: row.label,
    p10: row.p10.toFixed(2),
    p50: row.p50.toFixed(2),
    p90: row.p90.toFixed(2),
  })));
  const [known, dummy, naive] = rows;
  if (known && dummy && naive) {
    console.log(`median difference, dummy vs real: ${(dummy.p50 - known.p50).toFixed(2)} ms (${((dummy.p50 / known.p50 - 1) * 100).toFixed(1)}%)`);
    console.log(`median difference, naive vs real: ${(naive.p50 - known.p50).toFixed(2)} ms — the gap an attacker would measure without the dummy`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
