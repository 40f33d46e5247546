import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Answers } from './questions.js';

export function editFile(projectDir: string, file: string, edit: (text: string) => string): void {
  const path = join(projectDir, file);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
}

type Dependencies = Record<string, string>;
type PackageJson = Record<string, unknown> & { dependencies?: Dependencies; devDependencies?: Dependencies };

export function editPackageJson(projectDir: string, edit: (pkg: PackageJson) => PackageJson): void {
  editFile(projectDir, 'package.json', (text) => `${JSON.stringify(edit(JSON.parse(text) as PackageJson), null, 2)}\n`);
}

export function setPackageName(projectDir: string, packageName: string): void {
  editPackageJson(projectDir, (pkg) => ({ ...pkg, name: packageName, version: '0.1.0' }));
}

// Only `npm run dev` reads this file: `.env` would also reach the test suites' production builds,
// whose checks that production refuses missing secrets must see them missing.
const ENV_FILE = '.env.development.local';

/** Secrets made for this project alone, in the formats server/core/config.ts checks. */
export function writeEnvFile(projectDir: string, answers: Answers): void {
  const throttles = answers.throttleStore === 'redis'
    ? ['# Throttles keep their counters in Redis.', 'REDIS_URL=redis://127.0.0.1:6379']
    : ['# Throttles keep their counters in Postgres (no REDIS_URL). Set REDIS_URL to move them to Redis.'];
  const lines = [
    '# Made for this checkout when the app was created; read by npm run dev, ignored by git. See .env.example.',
    'APP_ORIGIN=http://localhost:3000',
    `SESSION_SECRET=${randomBytes(48).toString('base64url')}`,
    `ENCRYPTION_KEY=${randomBytes(32).toString('hex')}`,
    ...throttles,
  ];
  writeFileSync(join(projectDir, ENV_FILE), `${lines.join('\n')}\n`, { mode: 0o600 });
}

export function describeChoicesInReadme(projectDir: string, packageName: string, answers: Answers): void {
  const modules = answers.modules.length > 0 ? answers.modules.join(', ') : 'none';
  const store = answers.throttleStore === 'redis' ? `Redis (\`REDIS_URL\` in \`${ENV_FILE}\`)` : 'Postgres (no `REDIS_URL`)';
  const intro = [
    `# ${packageName}`,
    '',
    `Created from Bastion (\`npm create bastion\`). Optional modules kept: ${modules}. Throttles: ${store}.`,
  ].join('\n');
  editFile(projectDir, 'README.md', (text) => text.replace(/^# Bastion$/m, intro));
}
