import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCommand } from './commands.js';
import { readManifest } from './manifest.js';
import { describeChoicesInReadme, setPackageName, writeEnvFile } from './project-files.js';
import { pruneProject } from './prune.js';
import type { Answers } from './questions.js';
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

function writeProject(templateDir: string, projectDir: string, packageName: string, answers: Answers): void {
  mkdirSync(projectDir, { recursive: true });
  copyTemplateToProject(templateDir, projectDir);
  pruneProject(projectDir, readManifest(projectDir), answers.modules);
  setPackageName(projectDir, packageName);
  writeEnvFile(projectDir, answers);
  describeChoicesInReadme(projectDir, packageName, answers);
  rmSync(join(projectDir, 'db/migrations'), { recursive: true, force: true });
  if (!answers.install) return;
  runCommand(projectDir, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund']);
  runCommand(projectDir, 'npx', ['drizzle-kit', 'generate', '--name', 'init']);
}

// A first commit needs a git identity the user may not have set up: then the project stays, uncommitted.
function commitFirstVersion(projectDir: string): boolean {
  try {
    runCommand(projectDir, 'git', ['init', '--quiet']);
    runCommand(projectDir, 'git', ['add', '--all']);
    runCommand(projectDir, 'git', ['commit', '--quiet', '--message', 'Initial commit from create-bastion']);
    return true;
  } catch {
    return false;
  }
}

/** Writes the project, or nothing: on an error or Ctrl-C, what was written is removed again. */
export function scaffold(templateDir: string, answers: Answers): Scaffolded {
  const projectDir = resolve(answers.directory);
  const packageName = packageNameFor(projectDir);
  checkTargetDirectory(projectDir);
  const existedBefore = existsSync(projectDir);
  const onInterrupt = () => {
    removeWhatWeWrote(projectDir, existedBefore);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    writeProject(templateDir, projectDir, packageName, answers);
  } catch (error) {
    removeWhatWeWrote(projectDir, existedBefore);
    throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  const gitCommitted = answers.git && commitFirstVersion(projectDir);
  return { projectDir, migrationGenerated: answers.install, gitCommitted };
}
