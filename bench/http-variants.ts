// The builds bench/http.ts compares Bastion's boundary with: the same app with a pass-through
// middleware (NextResponse.next() and nothing else), and with no middleware at all. Each is a
// copy of the working tree (node_modules hard-linked) in a temporary directory, built for production.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type Variant = 'bastion' | 'pass-through' | 'none';

const root = join(import.meta.dirname, '..');

const PASS_THROUGH = `import { NextResponse } from 'next/server';

export function middleware() {
  return NextResponse.next();
}

export const config = { runtime: 'nodejs', matcher: ['/((?!_next/static/).*)'] };
`;

function copyWorkingTree(into: string | null): string {
  if (into) rmSync(into, { recursive: true, force: true });
  const dir = into ?? mkdtempSync(join(tmpdir(), 'bastion-bench-'));
  mkdirSync(dir, { recursive: true });
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root })
    .toString()
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(root, file), join(dir, file));
  }
  execFileSync('cp', ['-al', join(root, 'node_modules'), join(dir, 'node_modules')]);
  return dir;
}

/**
 * A production build of the variant; returns its directory and a function that removes it.
 * BENCH_HTTP_BUILDS=<dir> keeps the builds in <dir>/<variant> and reuses them on the next run (they
 * do not depend on Bastion's middleware, so a change to it needs no new build).
 */
export function buildVariant(variant: Exclude<Variant, 'bastion'>): { dir: string; remove(): void } {
  const kept = process.env.BENCH_HTTP_BUILDS ? join(process.env.BENCH_HTTP_BUILDS, variant) : null;
  if (kept && existsSync(join(kept, '.next', 'BUILD_ID'))) return { dir: kept, remove: () => undefined };
  const dir = copyWorkingTree(kept);
  if (variant === 'none') rmSync(join(dir, 'middleware.ts'));
  else writeFileSync(join(dir, 'middleware.ts'), PASS_THROUGH);
  console.log(`[bench http] building the ${variant} variant in ${dir} …`);
  execFileSync(process.execPath, [join(dir, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'ignore',
  });
  return { dir, remove: kept ? () => undefined : () => rmSync(dir, { recursive: true, force: true }) };
}
