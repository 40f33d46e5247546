// The builds bench/http.ts compares Bastion's boundary with: the same app with a pass-through
// middleware (NextResponse.next() and nothing else), with no middleware at all, and with both
// middlewares in one process (the pass-through for requests that ask for it), so that the two are
// compared without the 10 % by which two processes running the same code can differ here. Each is
// a copy of the working tree (node_modules hard-linked) in a temporary directory, built for production.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type Variant = 'bastion' | 'pass-through' | 'none' | 'same-process';

/** The request header that makes the same-process build pass a request through. */
export const PASS_THROUGH_HEADER = 'x-bench-pass-through';

const root = join(import.meta.dirname, '..');

const PASS_THROUGH = `import { NextResponse } from 'next/server';

export function middleware() {
  return NextResponse.next();
}

export const config = { runtime: 'nodejs', matcher: ['/((?!_next/static/).*)'] };
`;

const SAME_PROCESS = `import { type NextRequest, NextResponse } from 'next/server';
import { middleware as bastion } from './middleware-bastion';

export function middleware(request: NextRequest) {
  return request.headers.has('${PASS_THROUGH_HEADER}') ? NextResponse.next() : bastion(request);
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
 * BENCH_HTTP_BUILDS=<dir> keeps the builds in <dir>/<variant> and reuses them on the next run (the
 * first two do not depend on Bastion's middleware; remove <dir>/same-process after changing it).
 */
export function buildVariant(variant: Exclude<Variant, 'bastion'>): { dir: string; remove(): void } {
  const kept = process.env.BENCH_HTTP_BUILDS ? join(process.env.BENCH_HTTP_BUILDS, variant) : null;
  if (kept && existsSync(join(kept, '.next', 'BUILD_ID'))) return { dir: kept, remove: () => undefined };
  const dir = copyWorkingTree(kept);
  if (variant === 'none') rmSync(join(dir, 'middleware.ts'));
  if (variant === 'pass-through') writeFileSync(join(dir, 'middleware.ts'), PASS_THROUGH);
  if (variant === 'same-process') {
    renameSync(join(dir, 'middleware.ts'), join(dir, 'middleware-bastion.ts'));
    writeFileSync(join(dir, 'middleware.ts'), SAME_PROCESS);
  }
  console.log(`[bench http] building the ${variant} variant in ${dir} …`);
  execFileSync(process.execPath, [join(dir, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'ignore',
  });
  return { dir, remove: kept ? () => undefined : () => rmSync(dir, { recursive: true, force: true }) };
}
