// The security primitives a Bastion tree declares in server/security/primitives.json, the
// versions its package.json pins, and the README lines each declaration points at.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type PrimitiveDeclaration = {
  summary: string;
  file: string;
  companions: string[];
  packages: string[];
  tests: string[];
  testCompanions: string[];
  testPackages: string[];
  readme: string[];
  /** Other defences this one is used with, copied along (a store with the throttle it serves). */
  uses: string[];
};
export type PrimitiveManifest = Record<string, PrimitiveDeclaration>;

export const SECURITY_DIR = 'server/security';
export const MANIFEST_FILE = `${SECURITY_DIR}/primitives.json`;

const LIST_FIELDS = ['companions', 'packages', 'tests', 'testCompanions', 'testPackages', 'readme', 'uses'] as const;

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

function checkDeclaration(name: string, value: unknown): PrimitiveDeclaration {
  if (typeof value !== 'object' || value === null) throw new Error(`${MANIFEST_FILE}: "${name}" is not an object`);
  const fields = value as Record<string, unknown>;
  for (const field of ['summary', 'file']) {
    if (typeof fields[field] !== 'string') throw new Error(`${MANIFEST_FILE}: "${name}".${field} must be a string`);
  }
  for (const field of LIST_FIELDS) {
    if (!isStringList(fields[field])) throw new Error(`${MANIFEST_FILE}: "${name}".${field} must be a list of strings`);
  }
  return value as PrimitiveDeclaration;
}

/** The declarations of `templateDir`, checked for shape. */
export function loadManifest(templateDir: string): PrimitiveManifest {
  const parsed: unknown = JSON.parse(readFileSync(join(templateDir, MANIFEST_FILE), 'utf8'));
  const primitives = (parsed as { primitives?: unknown } | null)?.primitives;
  if (typeof primitives !== 'object' || primitives === null) throw new Error(`${MANIFEST_FILE}: no "primitives"`);
  const manifest: PrimitiveManifest = Object.fromEntries(
    Object.entries(primitives).map(([name, value]) => [name, checkDeclaration(name, value)]),
  );
  for (const [name, { uses }] of Object.entries(manifest)) {
    const unknown = uses.filter((used) => manifest[used] === undefined);
    if (unknown.length > 0) throw new Error(`${MANIFEST_FILE}: "${name}" uses unknown ${unknown.join(', ')}`);
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
