import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function rulesBroken(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('the dependency rule', { timeout: 60_000 }, () => {
  it.each([
    ['server/security/probe.ts', `import { getConfig } from '@/server/core/config';\n\nexport const probe = getConfig;\n`],
    ['server/security/probe.ts', `import { getDb } from '../core/db';\n\nexport const probe = getDb;\n`],
    ['server/auth/probe.ts', `import { TRPCReactProvider } from '@/app/_trpc/provider';\n\nexport const probe = TRPCReactProvider;\n`],
    ['db/probe.ts', `import { TRPCReactProvider } from '../app/_trpc/provider';\n\nexport const probe = TRPCReactProvider;\n`],
    ['test/probe.ts', `import { boot } from '@/scripts/boot';\n\nexport const probe = boot;\n`],
  ])('refuses the in-house import in %s', async (filePath, code) => {
    expect(await rulesBroken(code, filePath)).toContain('import-x/no-restricted-paths');
  });

  it.each([
    [`import { NextResponse } from 'next/server';\n\nexport const probe = NextResponse;\n`],
    [`import { eq } from 'drizzle-orm';\n\nexport const probe = eq;\n`],
    [`import { TRPCError } from '@trpc/server';\n\nexport const probe = TRPCError;\n`],
  ])('refuses a framework in server/security: %s', async (code) => {
    expect(await rulesBroken(code, 'server/security/probe.ts')).toContain('no-restricted-imports');
  });

  it('refuses an import cycle', async () => {
    const code = `import { getLogger } from './log';\n\nexport const probe = getLogger;\n`;
    expect(await rulesBroken(code, 'server/core/config.ts')).toContain('import-x/no-cycle');
  });

  it('passes a primitive that imports only its own folder, node:* and the types of a store client', async () => {
    const code = [
      `import { createHash } from 'node:crypto';`,
      `import type { Redis } from 'ioredis';`,
      `import { SecurityError } from './errors';`,
      '',
      'export const probe = (redis: Redis) => [createHash, SecurityError, redis];',
      '',
    ].join('\n');
    expect(await rulesBroken(code, 'server/security/probe.ts')).toEqual([]);
  });
});
