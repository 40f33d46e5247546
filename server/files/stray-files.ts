import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { inArray } from 'drizzle-orm';
import { files } from '@/db/schema';
import type { Database } from '../core/db';

/** Files this old with no row (a crash between write and commit), and abandoned temp files, are removed. */
const STRAY_AGE_MS = 60 * 60 * 1000;
const STORED_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Housekeeping: removes upload-store files that no row names (old enough) and abandoned temp files. */
export async function deleteStrayFiles(db: Database, uploadDir: string, now = Date.now()): Promise<number> {
  const entries = await readdir(uploadDir).catch(() => [] as string[]);
  const old: string[] = [];
  for (const name of entries.slice(0, 5_000)) {
    const info = await stat(join(uploadDir, name)).catch(() => null);
    if (info?.isFile() && now - info.mtimeMs > STRAY_AGE_MS) old.push(name);
  }
  const temps = old.filter((name) => /^\.[0-9a-f-]{36}\.tmp$/.test(name));
  const stored = old.filter((name) => STORED_NAME.test(name));
  const known = new Set<string>();
  for (let i = 0; i < stored.length; i += 500) {
    const batch = stored.slice(i, i + 500);
    const rows = await db.select({ storedName: files.storedName }).from(files).where(inArray(files.storedName, batch));
    for (const row of rows) known.add(row.storedName);
  }
  const stray = [...temps, ...stored.filter((name) => !known.has(name))];
  await Promise.all(stray.map((name) => unlink(join(uploadDir, name)).catch(() => undefined)));
  return stray.length;
}
