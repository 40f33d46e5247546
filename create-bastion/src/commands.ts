import { spawn } from 'node:child_process';

/** Runs a command in `cwd`, output shown; rejects when it fails or `signal` stops it. */
export function runCommand(cwd: string, command: string, args: string[], signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit', signal, killSignal: 'SIGINT' });
    // An abort reports an error at once; the child is gone only at 'exit', which rejects then.
    child.on('error', (error) => {
      if (!signal?.aborted) reject(error);
    });
    child.on('exit', (code, exitSignal) => {
      if (code === 0) return resolve();
      reject(new Error(`${command} ${args.join(' ')} failed (${exitSignal ?? `exit ${code}`})`));
    });
  });
}
