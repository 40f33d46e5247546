// The upload store's sweep against real Postgres: what no row names goes once it is old enough.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '@/db/client';
import { testSql, type TestSql, uniqueEmail } from '@/test/db';
import { deleteStrayFiles } from './stray-files';

const databaseUrl = inject('databaseUrl');
let sql: TestSql;
let database: ReturnType<typeof createDatabase>;

beforeAll(() => {
  sql = testSql(databaseUrl);
  database = createDatabase(databaseUrl, { max: 2 });
});
afterAll(async () => {
  await sql?.end();
  await database?.sql.end();
});

describe('stray upload files', () => {
  it('removes old files that have no row and abandoned temp files, and keeps everything else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bastion-hk-'));
    const [user] = await sql<{ id: string }[]>`insert into users (email) values (${uniqueEmail('stray')}) returning id`;
    const userId = user?.id ?? '';
    const [kept, orphan, fresh] = [randomUUID(), randomUUID(), randomUUID()];
    await sql`insert into files (owner_id, display_name, stored_name, mime, size_bytes, sha256) values (${userId}, 'a.png', ${kept}, 'image/png', 1, ${'0'.repeat(64)})`;
    const hourAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const name of [kept, orphan, `.${randomUUID()}.tmp`, 'notes.txt']) {
      writeFileSync(join(dir, name), 'x');
      utimesSync(join(dir, name), hourAgo, hourAgo);
    }
    writeFileSync(join(dir, fresh), 'x'); // an upload whose transaction may still be running
    expect(await deleteStrayFiles(database.db, dir)).toBe(2);
    expect(readdirSync(dir).sort()).toEqual([kept, fresh, 'notes.txt'].sort());
    rmSync(dir, { recursive: true, force: true });
  });
});
