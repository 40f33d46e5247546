import { lookup } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDns, startFakeDns } from '@/test/fake-dns';
import { assertNameservers, createDnsResolver, DnsBusyError } from './outbound-dns';

let dns: FakeDns;

beforeAll(async () => {
  dns = await startFakeDns({ 'public.test': ['93.184.216.34', '2606:4700::1'], 'only-v4.test': ['10.0.0.1'] });
});
afterAll(() => dns.close());

const queriesFor = (name: string) => dns.queries.filter((query) => query === name).length;
const settled = (promise: Promise<unknown>) =>
  promise.then(() => 'resolved', (error: { code?: string }) => error.code ?? error);

describe('createDnsResolver', () => {
  it('asks the nameservers it is given for A and AAAA, and reads no /etc/hosts', async () => {
    const resolve = createDnsResolver({ servers: [dns.server] });
    expect(await resolve('public.test')).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700::1', family: 6 },
    ]);
    expect(await resolve('only-v4.test')).toEqual([{ address: '10.0.0.1', family: 4 }]);
    expect(await settled(resolve('localhost'))).toBe('ENOTFOUND');
    expect(queriesFor('localhost')).toBe(2);
  });

  it('gives up on a nameserver that never answers, sending each question once', async () => {
    const resolve = createDnsResolver({ servers: [dns.server], timeoutMs: 200 });
    expect(await settled(resolve('stall.once.test'))).toMatch(/^(ETIMEOUT|ECANCELLED)$/);
    expect(queriesFor('stall.once.test')).toBe(2);
  });

  it('leaves the thread-pool resolver free while lookups hang (dns.lookup answers first)', async () => {
    const resolve = createDnsResolver({ servers: [dns.server], timeoutMs: 60_000, maxConcurrent: 12 });
    const controller = new AbortController();
    let ended = 0;
    const stalled = Array.from({ length: 12 }, (_, i) =>
      resolve(`stall.pool-${i}.test`, controller.signal).catch(() => ended++));
    await lookup('localhost');
    expect(ended).toBe(0);
    controller.abort();
    await Promise.all(stalled);
    expect(ended).toBe(12);
  });

  it('refuses a lookup beyond the cap at once, without asking the nameserver', async () => {
    const resolve = createDnsResolver({ servers: [dns.server], timeoutMs: 1_000, maxConcurrent: 2 });
    const first = settled(resolve('stall.cap-1.test'));
    const second = settled(resolve('stall.cap-2.test'));
    const third = await resolve('stall.cap-3.test').catch((error: unknown) => error);
    expect(third).toBeInstanceOf(DnsBusyError);
    expect(third).toMatchObject({ status: 429, retryAfterSeconds: 1 });
    expect(queriesFor('stall.cap-3.test')).toBe(0);
    await Promise.all([first, second]);
    expect(await resolve('public.test')).toHaveLength(2);
  });

  it('cancels a lookup when its signal aborts, and frees its slot', async () => {
    const resolve = createDnsResolver({ servers: [dns.server], timeoutMs: 60_000, maxConcurrent: 1 });
    const controller = new AbortController();
    const hanging = settled(resolve('stall.abort.test', controller.signal));
    controller.abort();
    expect(await hanging).toBe('ECANCELLED');
    expect(await resolve('public.test')).toHaveLength(2);
    await expect(resolve('public.test', AbortSignal.abort())).rejects.toThrow();
  });
});

describe('assertNameservers', () => {
  it('accepts addresses with or without a port and refuses anything else', () => {
    expect(() => assertNameservers(['10.0.0.2', '127.0.0.1:5353', '[fd00::53]:53'])).not.toThrow();
    expect(() => assertNameservers(['dns.example'])).toThrow();
  });
});
