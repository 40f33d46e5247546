import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModuleManifest, Removable, SharedLine } from './manifest.js';

/** Where `text` (one or more whole lines) starts in `lines`, each start once per occurrence. */
export function findSharedLine(lines: readonly string[], text: string): number[] {
  const wanted = text.split('\n');
  const starts: number[] = [];
  for (let start = 0; start + wanted.length <= lines.length; start++) {
    if (wanted.every((line, offset) => lines[start + offset] === line)) starts.push(start);
  }
  return starts;
}

function removeSharedLine(projectDir: string, { file, text }: SharedLine): void {
  const path = join(projectDir, file);
  const lines = readFileSync(path, 'utf8').split('\n');
  const starts = findSharedLine(lines, text);
  if (starts.length !== 1) throw new Error(`${file}: expected one occurrence of ${JSON.stringify(text)}, found ${starts.length}`);
  lines.splice(starts[0] ?? 0, text.split('\n').length);
  writeFileSync(path, lines.join('\n'));
}

function removePackages(projectDir: string, packages: readonly string[]): void {
  if (packages.length === 0) return;
  const path = join(projectDir, 'package.json');
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  for (const field of ['dependencies', 'devDependencies']) {
    const deps = pkg[field] as Record<string, string> | undefined;
    for (const name of packages) delete deps?.[name];
  }
  writeFileSync(path, `${JSON.stringify(pkg, null, 2)}\n`);
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
