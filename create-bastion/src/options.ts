import { parseArgs } from 'node:util';
import { COPY_USAGE } from './copy.js';

const throttleStores = ['postgres', 'redis'] as const;
export type ThrottleStore = (typeof throttleStores)[number];

/** What the command line said; anything undefined is asked (or defaulted without a terminal). */
export interface FlagAnswers {
  directory?: string;
  modules?: string[];
  throttleStore?: ThrottleStore;
  install?: boolean;
  git?: boolean;
  yes: boolean;
  help: boolean;
}

export class UsageError extends Error {}

export function usage(moduleNames: readonly string[]): string {
  return [
    'Usage: create-bastion [directory] [options]',
    `       ${COPY_USAGE}`,
    '',
    'Options:',
    `  --modules=<list>            optional modules to keep, comma-separated (${moduleNames.join(', ')})`,
    ...moduleNames.map((name) => `  --no-${name.padEnd(24)}leave out ${name}`),
    '  --throttle-store=<store>    postgres (default) or redis',
    '  --install, --no-install     run npm install (default: yes)',
    '  --git, --no-git             git init with a first commit (default: yes)',
    '  -y, --yes                   take the default for every question not answered by a flag',
    '  -h, --help                  show this help',
  ].join('\n');
}

function parseModules(list: string, moduleNames: readonly string[]): string[] {
  const modules = list.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = modules.find((name) => !moduleNames.includes(name));
  if (unknown) throw new UsageError(`--modules: unknown module "${unknown}" (known: ${moduleNames.join(', ')})`);
  return modules;
}

function parseThrottleStore(value: string): ThrottleStore {
  const store = throttleStores.find((known) => known === value);
  if (!store) throw new UsageError(`--throttle-store: "${value}" is not one of ${throttleStores.join(', ')}`);
  return store;
}

function eitherFlag(values: Record<string, unknown>, name: string): boolean | undefined {
  if (values[name] === true && values[`no-${name}`] === true) throw new UsageError(`--${name} and --no-${name} contradict`);
  if (values[name] === true) return true;
  if (values[`no-${name}`] === true) return false;
  return undefined;
}

export function parseFlags(args: string[], moduleNames: readonly string[]): FlagAnswers {
  const negatedModules = Object.fromEntries(moduleNames.map((name) => [`no-${name}`, { type: 'boolean' as const }]));
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...negatedModules,
        'modules': { type: 'string' },
        'throttle-store': { type: 'string' },
        'install': { type: 'boolean' },
        'no-install': { type: 'boolean' },
        'git': { type: 'boolean' },
        'no-git': { type: 'boolean' },
        'yes': { type: 'boolean', short: 'y' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`one project directory expected, got: ${positionals.join(' ')}`);
  const flagged: Record<string, unknown> = values;
  const leftOut = moduleNames.filter((name) => flagged[`no-${name}`] === true);
  const listed = typeof values.modules === 'string' ? parseModules(values.modules, moduleNames) : undefined;
  if (listed && leftOut.length > 0) throw new UsageError('use either --modules or --no-<module>, not both');
  const throttleStore = values['throttle-store'];
  return {
    directory: positionals[0],
    modules: listed ?? (leftOut.length > 0 ? moduleNames.filter((name) => !leftOut.includes(name)) : undefined),
    throttleStore: typeof throttleStore === 'string' ? parseThrottleStore(throttleStore) : undefined,
    install: eitherFlag(values, 'install'),
    git: eitherFlag(values, 'git'),
    yes: values.yes === true,
    help: values.help === true,
  };
}
