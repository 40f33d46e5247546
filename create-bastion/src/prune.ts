import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ModuleManifest, Removable, SharedLine } from './manifest.js';
import { editFile, editPackageJson } from './project-files.js';
import { findReference, readmePartLength } from './readme-excerpts.js';

/** Where `text` (one or more whole lines) starts in `lines`, each start once per occurrence. */
export function findSharedLine(lines: readonly string[], text: string): number[] {
  const wanted = text.split('\n');
  const starts: number[] = [];
  for (let start = 0; start + wanted.length <= lines.length; start++) {
    if (wanted.every((line, offset) => lines[start + offset] === line)) starts.push(start);
  }
  return starts;
}

/** Each occurrence of a shared line in `lines`: where it starts and how many lines it spans. */
export function locateSharedLine(lines: readonly string[], shared: SharedLine): { start: number; length: number }[] {
  if ('readme' in shared) {
    return findReference(lines, shared.readme).map((start) => ({ start, length: readmePartLength(lines, start) }));
  }
  const length = shared.text.split('\n').length;
  return findSharedLine(lines, shared.text).map((start) => ({ start, length }));
}

function removeSharedLine(projectDir: string, shared: SharedLine): void {
  editFile(projectDir, shared.file, (text) => {
    const lines = text.split('\n');
    const found = locateSharedLine(lines, shared);
    const [only] = found;
    if (found.length !== 1 || !only) {
      const named = 'readme' in shared ? shared.readme : shared.text;
      throw new Error(`${shared.file}: expected one occurrence of ${JSON.stringify(named)}, found ${found.length}`);
    }
    lines.splice(only.start, only.length);
    return lines.join('\n');
  });
}

function removePackages(projectDir: string, packages: readonly string[]): void {
  if (packages.length === 0) return;
  editPackageJson(projectDir, (pkg) => {
    for (const deps of [pkg.dependencies, pkg.devDependencies]) for (const name of packages) delete deps?.[name];
    return pkg;
  });
}

// Lines first: a module's line may sit in a file another left-out module deletes.
function remove(projectDir: string, parts: readonly Removable[]): void {
  for (const line of parts.flatMap((part) => part.lines)) removeSharedLine(projectDir, line);
  for (const path of parts.flatMap((part) => part.paths)) {
    rmSync(join(projectDir, path), { recursive: true, force: true });
  }
  removePackages(projectDir, parts.flatMap((part) => part.packages));
}

/** Deletes the modules left out and what only the Bastion repository needs (the manifest among it). */
export function pruneProject(projectDir: string, manifest: ModuleManifest, chosen: readonly string[]): void {
  const leftOut = Object.entries(manifest.modules).filter(([name]) => !chosen.includes(name)).map(([, entry]) => entry);
  remove(projectDir, [...leftOut, manifest.repositoryOnly]);
}
