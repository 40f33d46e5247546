// nginx as the load balancer of the multi-instance tests: the committed configuration
// (deploy/nginx/bastion.conf) with its listen and upstream ports rewritten, run in the foreground
// with its prefix, pid, logs and temp files in a throwaway directory, on loopback only.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePort, stopChild } from './services';

export const NGINX_CONFIG = join(import.meta.dirname, '..', 'deploy', 'nginx', 'bastion.conf');
const run = promisify(execFile);

export function nginxBin(): string | undefined {
  return ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'].find((path) => existsSync(path));
}

/** The committed configuration, listening on `port` and balancing over `upstreams`. */
export function nginxConfigFor(port: number, upstreams: readonly number[]): string {
  const lines = readFileSync(NGINX_CONFIG, 'utf8').split('\n');
  const upstreamLine = /^(\s*)server 127\.0\.0\.1:\d+ (.*)$/;
  const first = lines.findIndex((line) => upstreamLine.test(line));
  const [, indent = '', options = ''] = upstreamLine.exec(lines[first] ?? '') ?? [];
  const servers = upstreams.map((upstream) => `${indent}server 127.0.0.1:${upstream} ${options}`);
  const rewritten = lines.flatMap((line, index) => {
    if (index === first) return servers;
    if (upstreamLine.test(line)) return [];
    return [line.replace(/listen 127\.0\.0\.1:\d+;/, `listen 127.0.0.1:${port};`)];
  });
  return rewritten.join('\n');
}

/** `-p` keeps every relative path (temp dirs) in `dir`; `-g` puts the pid file and error log there too. */
const nginxArgs = (dir: string, config: string) =>
  ['-p', dir, '-c', config, '-e', join(dir, 'error.log'), '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`];

/** Runs `nginx -t` on a configuration file; rejects with nginx's own message when it is invalid. */
export async function checkNginxConfig(bin: string, config: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-nginx-t-'));
  try {
    const { stderr } = await run(bin, ['-t', ...nginxArgs(dir, config)]);
    return stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type RunningNginx = { origin: string; port: number; stop(): Promise<void> };

export async function startNginx(bin: string, upstreams: readonly number[]): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-nginx-'));
  // Under root the workers run as nobody and must reach their temp directories.
  chmodSync(dir, 0o755);
  const port = await findFreePort();
  const config = join(dir, 'nginx.conf');
  writeFileSync(config, nginxConfigFor(port, upstreams));
  await checkNginxConfig(bin, config);
  const child: ChildProcess = spawn(bin, nginxArgs(dir, config), { stdio: 'ignore' });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    if (child.exitCode !== null) throw new Error(`nginx exited:\n${readFileSync(join(dir, 'error.log'), 'utf8')}`);
    if (await fetch(`${origin}/api/health`).then(() => true, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stop = async () => {
    await stopChild(child, 'SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  };
  return { origin, port, stop };
}
