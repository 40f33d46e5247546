import * as prompts from '@clack/prompts';
import { missingRequirement, type ModuleManifest } from './manifest.js';
import type { FlagAnswers, ThrottleStore } from './options.js';
import { packageNameFor } from './target.js';

export interface Answers {
  directory: string;
  modules: string[];
  throttleStore: ThrottleStore;
  install: boolean;
  git: boolean;
}

export class CancelledError extends Error {}

function answered<T>(value: T | typeof prompts.CANCEL_SYMBOL): T {
  if (prompts.isCancel(value)) throw new CancelledError('cancelled: nothing was written');
  return value;
}

function nameProblem(directory: string | undefined): string | undefined {
  if (!directory) return 'a directory name is needed';
  try {
    packageNameFor(directory);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

async function askModules(manifest: ModuleManifest): Promise<string[]> {
  const options = Object.entries(manifest.modules)
    .map(([name, entry]) => ({ value: name, label: name, hint: entry.summary }));
  for (;;) {
    const modules = answered(await prompts.multiselect({
      message: 'Optional modules to keep (space toggles)',
      options,
      initialValues: options.map((option) => option.value),
      required: false,
    }));
    const problem = missingRequirement(manifest, modules);
    if (!problem) return modules;
    prompts.log.warn(problem);
  }
}

/** Asks, in the terminal, what the flags left open. */
export async function askMissing(flags: FlagAnswers, manifest: ModuleManifest): Promise<Answers> {
  prompts.intro('create-bastion');
  const directory = flags.directory ?? answered(await prompts.text({
    message: 'Project directory (its name becomes the package name)',
    placeholder: 'my-app',
    validate: nameProblem,
  }));
  const modules = flags.modules ?? await askModules(manifest);
  const throttleStore = flags.throttleStore ?? answered(await prompts.select<ThrottleStore>({
    message: 'Where do throttles keep their counters?',
    options: [
      { value: 'postgres', label: 'Postgres', hint: 'one database serves everything' },
      { value: 'redis', label: 'Redis', hint: 'REDIS_URL in .env' },
    ],
  }));
  const install = flags.install ?? answered(await prompts.confirm({ message: 'Install dependencies (npm install)?' }));
  const git = flags.git ?? answered(await prompts.confirm({ message: 'Initialise a git repository with a first commit?' }));
  return { directory, modules, throttleStore, install, git };
}

/** The defaults for what the flags left open: every module, Postgres throttles, install, git. */
export function defaultAnswers(flags: FlagAnswers, manifest: ModuleManifest): Answers {
  return {
    directory: flags.directory ?? 'my-bastion-app',
    modules: flags.modules ?? Object.keys(manifest.modules),
    throttleStore: flags.throttleStore ?? 'postgres',
    install: flags.install ?? true,
    git: flags.git ?? true,
  };
}
