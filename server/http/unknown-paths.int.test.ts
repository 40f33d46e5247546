// A flood of random URLs against the built app: every path no route serves gets the prebuilt
// not-found page from the HTTP entry — no render, no middleware, no nonce — while every real page,
// file and redirect is served as before.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type RunningApp } from '@/test/app';
import { TestClient } from '@/test/client';
import { NOT_FOUND_CONTENT_SECURITY_POLICY } from './unknown-paths';

const databaseUrl = inject('databaseUrl');
const redisUrl = inject('redisUrl');

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl ?? undefined });
});
afterAll(() => app?.stop());

/** What only Next's render and the middleware leave on an answer. */
async function renderTraces(response: Response) {
  const body = await response.text();
  return {
    scripts: body.includes('<script'),
    nonce: /nonce-/.test(response.headers.get('content-security-policy') ?? ''),
    cookies: response.headers.getSetCookie().length,
  };
}

describe('paths no route serves', () => {
  it('answers a flood of 200 random paths, however spelt, with the prebuilt page and no render', async () => {
    const client = new TestClient(app.origin);
    const spellings = (id: string) => [
      `/${id}`, `/deep/${id}/path?q=${id}`, `/LOGIN${id}`, `/%6Cogin-${id}`, `/${id}.rsc`, `/_next/${id}`, `/favicon-${id}.ico`,
    ];
    const paths = Array.from({ length: 29 }, () => spellings(randomUUID())).flat().concat('/LOGIN', '/%6Cogin', '/_not-found');
    expect(paths.length).toBeGreaterThanOrEqual(200);
    for (const path of paths) {
      const response = await client.request(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-security-policy'), path).toBe(NOT_FOUND_CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(await renderTraces(response), path).toEqual({ scripts: false, nonce: false, cookies: 0 });
    }
  });

  it('answers HEAD with the headers alone, and unknown API paths with a JSON refusal', async () => {
    const head = await fetch(`${app.origin}/${randomUUID()}`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await head.text()).toBe('');
    const api = await fetch(`${app.origin}/api/${randomUUID()}`);
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: 'NOT_FOUND', message: 'Not found.' });
  });

  it('still serves real pages, public files however spelt, build assets, redirects and in-route 404s', async () => {
    const login = await fetch(`${app.origin}/login`);
    const html = await login.text();
    expect(login.status).toBe(200);
    expect(login.headers.get('content-security-policy')).toMatch(/nonce-/);
    const asset = /\/_next\/static\/[^"]+\.js/.exec(html)?.[0];
    expect(asset).toBeDefined();
    expect((await fetch(`${app.origin}${asset}`)).status).toBe(200);
    expect((await fetch(`${app.origin}/_next/static/${randomUUID()}.js`)).status).toBe(404);
    for (const file of ['/robots.txt', '/%72obots.txt', '/demo/hostile.html']) {
      expect((await fetch(`${app.origin}${file}`)).status, file).toBe(200);
    }
    const slash = await fetch(`${app.origin}/login/`, { redirect: 'manual' });
    expect(slash.status).toBe(308);
    expect(slash.headers.get('location')).toBe('/login');
    const procedure = await fetch(`${app.origin}/api/trpc/${randomUUID()}`);
    expect(procedure.status).toBe(404);
    expect(procedure.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await fetch(`${app.origin}/api/health`)).status).toBe(200);
  });
});
