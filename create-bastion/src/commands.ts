import { spawnSync } from 'node:child_process';

/** Runs a command in `cwd`, output shown; throws when it fails or is interrupted. */
export function runCommand(cwd: string, command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.signal ?? `exit ${result.status}`})`);
}
