// Helpers for integration suites that need an uploaded file (the files module's account extra).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { AccountExtra } from '@/test/account-extras';
import type { TestClient } from '@/test/client';

/** A 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export async function uploadPng(origin: string, client: TestClient): Promise<void> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'holiday.png');
  const headers = { origin, 'x-csrf-token': client.csrfToken() };
  const response = await client.request('/api/trpc/files.upload', { method: 'POST', headers, body: form });
  expect(response.status, await response.text()).toBe(200);
}

/** One uploaded file; its stored name (on disk under `uploadDir`) is what the export must not reveal. */
export const uploadedFileExtra = (uploadDir: string): AccountExtra => ({
  table: 'files',
  async add({ origin, sql, owner, userId }) {
    await uploadPng(origin, owner);
    const stored = await sql<{ stored_name: string }[]>`select stored_name from files where owner_id = ${userId}`;
    return stored.map((row) => row.stored_name);
  },
  keepsOutsideDatabase: (hidden) => hidden.some((name) => existsSync(join(uploadDir, name))),
});
