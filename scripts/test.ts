// `npm test`: unit tests, then a production build, integration tests and the Playwright e2e
// suite, in that order. Stops at the first failing stage and exits non-zero.
import { spawnSync } from 'node:child_process';
import { freeE2ePorts } from '../test/services';

function run(label: string, command: string, args: string[], env: Record<string, string> = {}): void {
  console.log(`\n=== ${label} ===\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`\n${label} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

const bin = (name: string) => `node_modules/.bin/${name}`;
run('unit tests', bin('vitest'), ['run', '--project', 'unit']);
run('production build', bin('next'), ['build'], { NODE_ENV: 'production' });
run('integration tests', bin('vitest'), ['run', '--project', 'integration']);
run('e2e demos (Playwright)', bin('playwright'), ['test'], await freeE2ePorts());
run('scaffolds (create-bastion: full and minimal apps)', bin('vitest'), ['run', '--project', 'scaffold']);
console.log('\nAll test stages passed.');
