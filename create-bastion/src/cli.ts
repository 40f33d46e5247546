#!/usr/bin/env node
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCopy } from './copy.js';
import { missingRequirement, readManifest } from './manifest.js';
import { parseFlags, usage, UsageError } from './options.js';
import { type Answers, askMissing, CancelledError, defaultAnswers } from './questions.js';
import { type Scaffolded, scaffold } from './scaffold.js';
import { RefusalError } from './target.js';

const templateDir = fileURLToPath(new URL('../template', import.meta.url));

function nextSteps({ projectDir, migrationGenerated, gitCommitted }: Scaffolded, answers: Answers): string {
  const fromHere = relative(process.cwd(), projectDir);
  const steps = [`cd ${fromHere.startsWith('..') ? projectDir : fromHere || '.'}`];
  if (!answers.install) steps.push('npm install', 'npm run db:generate -- --name init');
  steps.push('npm run dev');
  const notes = [];
  if (!migrationGenerated) notes.push('The initial migration is generated after npm install (second step).');
  if (answers.git && !gitCommitted) notes.push('git: the first commit failed (is user.name/user.email set?).');
  return [`Created ${projectDir}. Next:`, ...steps.map((step) => `  ${step}`), ...notes].join('\n');
}

async function main(args: string[]): Promise<number> {
  if (args[0] === 'copy') return runCopy(args.slice(1), templateDir);
  const manifest = readManifest(templateDir);
  const moduleNames = Object.keys(manifest.modules);
  const flags = parseFlags(args, moduleNames);
  if (flags.help) {
    console.log(usage(moduleNames));
    return 0;
  }
  const interactive = process.stdin.isTTY === true && !flags.yes;
  const answers = interactive ? await askMissing(flags, manifest) : defaultAnswers(flags, manifest);
  const problem = missingRequirement(manifest, answers.modules);
  if (problem) throw new UsageError(problem);
  console.log(nextSteps(await scaffold({ templateDir, manifest, answers }), answers));
  return 0;
}

function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof CancelledError) return 130;
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof UsageError || error instanceof RefusalError || error instanceof CancelledError;
    console.error(`create-bastion: ${known ? (error as Error).message : String(error)}`);
    process.exitCode = exitCodeFor(error);
  },
);
