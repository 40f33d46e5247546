import { cpSync, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';

// npm pack drops or obeys these wherever they are, so the template carries them under other names.
const packedNames: Record<string, string> = {
  '.gitignore': '_gitignore',
  '.npmrc': '_npmrc',
  'package-lock.json': '_package-lock.json',
};

const excludedTopLevel = new Set([
  '.git', '.next', '.data', 'node_modules', 'create-bastion', 'storage', 'test-results', 'playwright-report',
  'blob-report', 'screenshots', 'coverage',
]);

/** What the template leaves out of the repository (`path` relative to its root). */
export function isExcluded(path: string): boolean {
  const [top] = path.split(sep);
  const name = basename(path);
  if (top !== undefined && excludedTopLevel.has(top)) return true;
  if (name === 'node_modules' || name.endsWith('.tsbuildinfo') || name === 'next-env.d.ts') return true;
  return name.startsWith('.env') && name !== '.env.example';
}

/** Copies the repository into `templateDir` as the package will carry it. */
export function copyRepositoryToTemplate(repositoryDir: string, templateDir: string): void {
  rmSync(templateDir, { recursive: true, force: true });
  // Entry by entry: the template folder is inside the repository, which cpSync refuses to copy whole.
  for (const entry of readdirSync(repositoryDir).filter((name) => !isExcluded(name))) {
    cpSync(join(repositoryDir, entry), join(templateDir, entry), {
      recursive: true,
      filter: (source) => !isExcluded(relative(repositoryDir, source)),
    });
  }
  renameAll(templateDir, packedNames);
}

/** Copies the packed template to a new project, its files under their real names again. */
export function copyTemplateToProject(templateDir: string, projectDir: string): void {
  cpSync(templateDir, projectDir, { recursive: true });
  const realNames = Object.fromEntries(Object.entries(packedNames).map(([real, packed]) => [packed, real]));
  renameAll(projectDir, realNames);
}

function renameAll(dir: string, names: Record<string, string>): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) renameAll(path, names);
    const renamed = names[entry];
    if (renamed !== undefined && !existsSync(join(dir, renamed))) renameSync(path, join(dir, renamed));
  }
}
