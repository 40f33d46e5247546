// The security primitives a Bastion tree declares in server/security/primitives.json, the
// versions its package.json pins, and the README lines each declaration points at.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const LIST_FIELDS = ['companions', 'packages', 'tests', 'testCompanions', 'testPackages', 'readme', 'uses'] as const;

const stringList = z.array(z.string());
const declaration = z.object({
  summary: z.string(),
  file: z.string(),
  companions: stringList,
  packages: stringList,
  tests: stringList,
  testCompanions: stringList,
  testPackages: stringList,
  readme: stringList,
  /** Other defences this one is used with, copied along (a store with the throttle it serves). */
  uses: stringList,
});
const primitivesFile = z.object({ about: stringList.optional(), primitives: z.record(z.string(), declaration) });

/** One defence: its file, companions, packages, tests, README references, and the defences it `uses`. */
export type PrimitiveDeclaration = z.infer<typeof declaration>;
export type PrimitiveManifest = Record<string, PrimitiveDeclaration>;

export const SECURITY_DIR = 'server/security';
const PRIMITIVES_FILE = `${SECURITY_DIR}/primitives.json`;
/** The test runner every copied test needs; declarations leave it implied. */
export const TEST_RUNNER = 'vitest';

/** The declarations of `templateDir`, checked for shape. */
export function loadManifest(templateDir: string): PrimitiveManifest {
  const { primitives: manifest } = primitivesFile.parse(JSON.parse(readFileSync(join(templateDir, PRIMITIVES_FILE), 'utf8')));
  for (const [name, { uses }] of Object.entries(manifest)) {
    const unknown = uses.filter((used) => manifest[used] === undefined);
    if (unknown.length > 0) throw new Error(`${PRIMITIVES_FILE}: "${name}" uses unknown ${unknown.join(', ')}`);
  }
  return manifest;
}

const union = (lists: string[][]) => [...new Set(lists.flat())];

/** `name`'s declaration merged with those of the defences it uses (their files become companions). */
export function expandDeclaration(manifest: PrimitiveManifest, name: string): PrimitiveDeclaration | undefined {
  const own = manifest[name];
  if (own === undefined) return undefined;
  const used = own.uses.flatMap((usedName) => expandDeclaration(manifest, usedName) ?? []);
  const parts = [own, ...used.map((part) => ({ ...part, companions: [part.file, ...part.companions] }))];
  const merged = Object.fromEntries(LIST_FIELDS.map((field) => [field, union(parts.map((part) => part[field]))]));
  return { ...own, ...merged };
}

/** Every package `templateDir`'s package.json lists, with the version it pins. */
export function pinnedVersions(templateDir: string): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(templateDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  return new Map(Object.entries({ ...manifest.devDependencies, ...manifest.dependencies }));
}

/** `npm install --save-exact …` for `packages` at the versions `templateDir` pins. */
export function installCommand(packages: readonly string[], versions: Map<string, string>, dev = false): string {
  const specs = packages.map((name) => `${name}@${versions.get(name) ?? 'latest'}`);
  return ['npm install', dev ? '--save-dev' : '', '--save-exact', ...specs].filter(Boolean).join(' ');
}
