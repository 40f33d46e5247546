import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCommand } from './commands.js';
import type { ModuleManifest } from './manifest.js';
import { describeChoicesInReadme, setPackageName, writeEnvFile } from './project-files.js';
import { pruneProject } from './prune.js';
import { type Answers, CancelledError } from './questions.js';
import { checkTargetDirectory, packageNameFor } from './target.js';
import { copyTemplateToProject } from './template-files.js';

export interface Scaffolded {
  projectDir: string;
  migrationGenerated: boolean;
  gitCommitted: boolean;
}

function removeWhatWeWrote(projectDir: string, existedBefore: boolean): void {
  if (!existedBefore) return rmSync(projectDir, { recursive: true, force: true });
  for (const entry of readdirSync(projectDir)) rmSync(join(projectDir, entry), { recursive: true, force: true });
}

type Plan = { templateDir: string; manifest: ModuleManifest; answers: Answers };

async function writeProject(
  { templateDir, manifest, answers }: Plan, projectDir: string, packageName: string, signal: AbortSignal,
): Promise<void> {
  mkdirSync(projectDir, { recursive: true });
  copyTemplateToProject(templateDir, projectDir);
  pruneProject(projectDir, manifest, answers.modules);
  setPackageName(projectDir, packageName);
  writeEnvFile(projectDir, answers);
  describeChoicesInReadme(projectDir, packageName, answers);
  rmSync(join(projectDir, 'db/migrations'), { recursive: true, force: true });
  if (!answers.install) return;
  await runCommand(projectDir, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], signal);
  await runCommand(projectDir, 'npx', ['drizzle-kit', 'generate', '--name', 'init'], signal);
}

// A first commit needs a git identity the user may not have set up: then the project stays, uncommitted.
async function commitFirstVersion(projectDir: string): Promise<boolean> {
  try {
    await runCommand(projectDir, 'git', ['init', '--quiet']);
    await runCommand(projectDir, 'git', ['add', '--all']);
    await runCommand(projectDir, 'git', ['commit', '--quiet', '--message', 'Initial commit']);
    return true;
  } catch {
    return false;
  }
}

/** Writes the project, or nothing: on an error or Ctrl-C, what was written is removed again. */
export async function scaffold(plan: Plan): Promise<Scaffolded> {
  const { answers } = plan;
  const projectDir = resolve(answers.directory);
  const packageName = packageNameFor(projectDir);
  checkTargetDirectory(projectDir);
  const existedBefore = existsSync(projectDir);
  // Ctrl-C stops the command running (npm install), whose failure then removes what was written.
  const interrupt = new AbortController();
  const onInterrupt = () => interrupt.abort();
  process.once('SIGINT', onInterrupt);
  try {
    await writeProject(plan, projectDir, packageName, interrupt.signal);
  } catch (error) {
    removeWhatWeWrote(projectDir, existedBefore);
    throw interrupt.signal.aborted ? new CancelledError(`interrupted: ${projectDir} removed`) : error;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  const gitCommitted = answers.git && await commitFirstVersion(projectDir);
  return { projectDir, migrationGenerated: answers.install, gitCommitted };
}
