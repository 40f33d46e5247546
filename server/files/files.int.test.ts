// Uploads, attacked over real HTTP: hostile files, traversal names, other users'
// ids (404, not 403), oversized bodies — and after every refusal nothing on disk or in the DB.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type RunningApp } from '@/test/app';
import { TestClient } from '@/test/client';
import { testSql, type TestSql } from '@/test/db';
import { signedInUser as signUpAndSignIn } from '@/test/users';
import { PNG, uploadFile } from './int-helpers';

const databaseUrl = inject('databaseUrl');
const redisUrl = inject('redisUrl');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

let app: RunningApp;
let sql: TestSql;
let uploadDir: string;

beforeAll(async () => {
  sql = testSql(databaseUrl);
  uploadDir = mkdtempSync(join(tmpdir(), 'bastion-uploads-'));
  app = await startApp({
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl ?? undefined,
    UPLOAD_DIR: uploadDir,
    UPLOAD_LIMIT_BYTES: '65536',
    UPLOAD_MAX_FILES: '10',
    UPLOAD_QUOTA_BYTES: '1024',
  });
});
afterAll(async () => {
  await app?.stop();
  await sql?.end();
  if (uploadDir) rmSync(uploadDir, { recursive: true, force: true });
});

const signedInUser = (origin = app.origin): Promise<TestClient> => signUpAndSignIn(sql, origin, 'files');

const upload = (client: TestClient, bytes: Buffer, name: string, type: string, origin = app.origin) =>
  uploadFile(origin, client, bytes, name, type);

const filesOnDisk = () => readdirSync(uploadDir).length;
// Only this suite's users (the database is shared with other suites, which keep files elsewhere).
const rowCount = async () =>
  (await sql<{ n: number }[]>`
    select count(*)::int as n from files f join users u on u.id = f.owner_id where u.email like 'files-%'`)[0]?.n ?? 0;

describe('uploads', () => {
  it('stores a PNG under a server-chosen name and lets only its owner download it', async () => {
    const owner = await signedInUser();
    const reply = await upload(owner, PNG, 'holiday.png', 'image/png');
    expect(reply.status, reply.text).toBe(200);
    const id = reply.json.result?.data.id ?? '';
    expect(readdirSync(uploadDir)).not.toContain('holiday.png');
    const download = await owner.request(`/api/files/${id}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).toBe(true);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-security-policy')).toBe('default-src \'none\'; sandbox');
    expect(download.headers.get('cache-control')).toMatch(/^private/);

    const stranger = await signedInUser();
    const stolen = await stranger.request(`/api/files/${id}`);
    const unknown = await stranger.request('/api/files/00000000-0000-4000-8000-000000000000');
    expect(stolen.status).toBe(404);
    expect(await stolen.text()).toBe(await unknown.text());
    expect((await stranger.request('/api/files/not-a-uuid')).status).toBe(404);
    expect((await new TestClient(app.origin).request(`/api/files/${id}`)).status).toBe(404);
    expect((await stranger.mutation('files.delete', { id })).status).toBe(404);
    const [disk, rows] = [filesOnDisk(), await rowCount()];
    expect((await owner.mutation('files.delete', { id })).status).toBe(200);
    expect((await owner.request(`/api/files/${id}`)).status).toBe(404);
    expect([filesOnDisk(), await rowCount()]).toEqual([disk - 1, rows - 1]);
  });

  it.each([
    ['HTML renamed .png', Buffer.from('<!doctype html><script>alert(1)</script>'), 'cat.png', 'image/png'],
    ['SVG with script', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'logo.svg', 'image/svg+xml'],
    ['SVG renamed .png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'logo.png', 'image/png'],
    ['a polyglot: PNG header followed by HTML', Buffer.concat([PNG.subarray(0, 16), Buffer.from('<html><script>alert(1)</script></html>')]), 'x.png', 'image/png'],
    ['a PDF declared as PNG', PDF, 'doc.png', 'image/png'],
    ['a PNG with a .pdf name', PNG, 'image.pdf', 'application/pdf'],
    ['an empty file', Buffer.alloc(0), 'empty.png', 'image/png'],
  ])('refuses %s with 422 and leaves nothing behind', async (_label, bytes, name, type) => {
    const client = await signedInUser();
    const [disk, rows] = [filesOnDisk(), await rowCount()];
    const reply = await upload(client, bytes, name, type);
    expect(reply.status, reply.text).toBe(422);
    expect(reply.json.error?.message).toBeTruthy();
    expect(filesOnDisk()).toBe(disk);
    expect(await rowCount()).toBe(rows);
  });

  it('keeps hostile names only as sanitised display text', async () => {
    const client = await signedInUser();
    const reply = await upload(client, PNG, '../../etc/passwd\u0000.png', 'image/png');
    expect(reply.status, reply.text).toBe(200);
    const name = reply.json.result?.data.displayName ?? '';
    expect(name).not.toMatch(/[/\\]/);
    expect(name).not.toContain('\u0000');
    expect(name).not.toContain('..');
    expect(readdirSync(uploadDir).every((file) => /^[0-9a-f-]{36}$/.test(file))).toBe(true);
  });

  it('names the download by RFC 8187 and keeps quotes out of the plain filename', async () => {
    const client = await signedInUser();
    const reply = await upload(client, PNG, 'it\'s "my" (1)é.png', 'image/png');
    const download = await client.request(`/api/files/${reply.json.result?.data.id ?? ''}`);
    const disposition = download.headers.get('content-disposition') ?? '';
    expect(disposition).toContain('filename*=UTF-8\'\'it%27s%20%22my%22%20%281%29%C3%A9.png');
    expect(disposition).toMatch(/^attachment; filename="it's _my_ \(1\)_\.png"; /);
  });

  it('refuses an oversized upload, declared or chunked, with 413 and writes nothing', async () => {
    const client = await signedInUser();
    const [disk, rows] = [filesOnDisk(), await rowCount()];
    const big = Buffer.concat([PNG, Buffer.alloc(100_000)]);
    expect((await upload(client, big, 'big.png', 'image/png')).status).toBe(413);
    const chunked = await client.request('/api/trpc/files.upload', {
      method: 'POST',
      headers: { 'origin': app.origin, 'x-csrf-token': client.csrfToken(), 'content-type': 'multipart/form-data; boundary=x' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 20; i += 1) controller.enqueue(new Uint8Array(8192));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(filesOnDisk()).toBe(disk);
    expect(await rowCount()).toBe(rows);
  });

  it('handles concurrent uploads: every file stored once, rows and files in step', async () => {
    const client = await signedInUser();
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => upload(client, PNG, `p${i}.png`, 'image/png')));
    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    expect(filesOnDisk()).toBe(await rowCount());
  });

  it('holds the per-user file count under 16 parallel uploads: exactly 10 stored, the rest 422, nothing stray', async () => {
    const client = await signedInUser();
    const replies = await Promise.all(Array.from({ length: 16 }, (_, i) => upload(client, PNG, `q${i}.png`, 'image/png')));
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(10);
    const refused = replies.filter((reply) => reply.status !== 200);
    expect(refused.map((reply) => [reply.status, reply.json.error?.message])).toEqual(
      Array.from({ length: 6 }, () => [422, 'Your file storage is full. Delete some files to upload more.']),
    );
    expect((await client.query<unknown[]>('files.list')).data).toHaveLength(10);
    expect(filesOnDisk()).toBe(await rowCount());
  });

  it('refuses an upload past the byte quota with 422 and leaves nothing behind', async () => {
    const client = await signedInUser();
    const big = Buffer.concat([PNG, Buffer.alloc(600)]);
    expect((await upload(client, big, 'big-1.png', 'image/png')).status).toBe(200);
    const [disk, rows] = [filesOnDisk(), await rowCount()];
    const second = await upload(client, big, 'big-2.png', 'image/png');
    expect([second.status, second.json.error?.message]).toEqual([422, 'Your file storage is full. Delete some files to upload more.']);
    expect([filesOnDisk(), await rowCount()]).toEqual([disk, rows]);
  });
});

describe('internal failures', () => {
  it('answer 500 with a generic message — no path, no stack — and leave no row behind', async () => {
    // The storage root turns into a regular file once the app runs: writes fail deep in the file system layer.
    const broken = join(uploadDir, 'soon-a-file');
    const brokenApp = await startApp({ DATABASE_URL: databaseUrl, UPLOAD_DIR: broken });
    rmSync(broken, { recursive: true });
    writeFileSync(broken, 'x');
    try {
      const client = await signedInUser(brokenApp.origin);
      const before = await rowCount();
      const reply = await upload(client, PNG, 'photo.png', 'image/png', brokenApp.origin);
      expect(reply.status).toBe(500);
      expect(reply.json.error?.message).toBe('Something went wrong. Please try again.');
      expect(reply.text).not.toContain(broken);
      expect(reply.text).not.toMatch(/ENOTDIR|EEXIST|at .*\.js|stack/i);
      expect(await rowCount()).toBe(before);
      expect(brokenApp.output()).toMatch(/procedure failed/); // the details go to the server log instead
    } finally {
      await brokenApp.stop();
    }
  });
});
