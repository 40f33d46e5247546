// Helpers for integration suites that need an uploaded file (the files module's account extra).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { AccountExtra } from '@/test/account-extras';
import type { TestClient } from '@/test/client';

/** A 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** One upload through the tRPC endpoint, as a browser sends it; the answer's status, text and JSON. */
export async function uploadFile(origin: string, client: TestClient, bytes: Buffer, name: string, type: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const response = await client.request('/api/trpc/files.upload', {
    method: 'POST',
    headers: { 'origin': origin, 'x-csrf-token': client.csrfToken() },
    body: form,
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    json: JSON.parse(text) as { result?: { data: { id: string; displayName: string } }; error?: { message: string } },
  };
}

/** One uploaded file; its stored name (on disk under `uploadDir`) is what the export must not reveal. */
export const uploadedFileExtra = (uploadDir: string): AccountExtra => ({
  table: 'files',
  async add({ origin, sql, owner, userId }) {
    const reply = await uploadFile(origin, owner, PNG, 'holiday.png', 'image/png');
    expect(reply.status, reply.text).toBe(200);
    const stored = await sql<{ stored_name: string }[]>`select stored_name from files where owner_id = ${userId}`;
    return stored.map((row) => row.stored_name);
  },
  keepsOutsideDatabase: (hidden) => hidden.some((name) => existsSync(join(uploadDir, name))),
});
