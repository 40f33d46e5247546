import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import validatePackageName from 'validate-npm-package-name';

export class RefusalError extends Error {}

/** The npm package name a project directory gives; refused unless npm would publish it as new. */
export function packageNameFor(directory: string): string {
  const name = basename(resolve(directory));
  const verdict = validatePackageName(name);
  if (verdict.validForNewPackages) return name;
  const reasons = [...(verdict.errors ?? []), ...(verdict.warnings ?? [])];
  throw new RefusalError(`"${name}" cannot be an npm package name: ${reasons.join('; ')}`);
}

/** Refuses a target that exists and is not an empty directory: nothing there is ever overwritten. */
export function checkTargetDirectory(directory: string): void {
  if (!existsSync(directory)) return;
  if (!statSync(directory).isDirectory()) throw new RefusalError(`${directory} exists and is not a directory`);
  if (readdirSync(directory).length > 0) {
    throw new RefusalError(`${directory} is not empty: choose a new directory or empty this one`);
  }
}
