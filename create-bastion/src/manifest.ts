import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

// A shared line is named by its exact text (one line or a block), or, in a Markdown file, by the start
// of a README part: a heading stands for its section, a table row and a bullet for themselves.
const sharedLine = z.union([
  z.object({ file: z.string().min(1), text: z.string().min(1) }),
  z.object({ file: z.string().min(1), readme: z.string().min(1) }),
]);

const removable = z.object({
  paths: z.array(z.string().min(1)),
  lines: z.array(sharedLine),
  packages: z.array(z.string().min(1)),
});

const moduleEntry = removable.extend({
  summary: z.string().min(1),
  requires: z.array(z.string()),
});

const manifestSchema = z.object({
  $comment: z.string().optional(),
  modules: z.record(z.string().regex(/^[a-z][a-z-]*$/), moduleEntry),
  repositoryOnly: removable,
});

export type SharedLine = z.infer<typeof sharedLine>;
export type Removable = z.infer<typeof removable>;
export type ModuleManifest = z.infer<typeof manifestSchema>;

export const MANIFEST_FILE = 'modules.json';

export function readManifest(projectDir: string): ModuleManifest {
  return manifestSchema.parse(JSON.parse(readFileSync(join(projectDir, MANIFEST_FILE), 'utf8')));
}

/** The first chosen module whose required module was left out, as a sentence; undefined when none. */
export function missingRequirement(manifest: ModuleManifest, chosen: readonly string[]): string | undefined {
  for (const name of chosen) {
    const missing = manifest.modules[name]?.requires.find((required) => !chosen.includes(required));
    if (missing) return `the ${name} module needs ${missing}: keep ${missing} or leave out ${name} too`;
  }
  return undefined;
}
