import { describe, expect, it } from 'vitest';
import { bodyLimitFor, declaredBodyRefusal } from './body';
import { originForm } from './request-line';

describe('originForm', () => {
  it.each<[string, string | null]>([
    ['/login?next=%2Faccount', '/login?next=%2Faccount'],
    ['http://evil.example/api/health', '/api/health'],
    ['https://evil.example:8443/login/?x=1', '/login/?x=1'],
    ['*', null],
    ['evil.example:443', null],
    ['//evil.example/', null],
    ['/\\evil.example/', null],
    ['/api/files/%', null],
    ['/api/trpc/%E0%A4%A', null],
    ['/login%00', null],
    ['/login%0d%0aSet-Cookie:x', null],
    ['http://[bad/', null],
  ])('%s → %s', (target, expected) => {
    expect(originForm(target)).toBe(expected);
  });
});

describe('request bodies', () => {
  const limits = { bodyLimitBytes: 100, uploadLimitBytes: 1000 };

  it('gives a body budget to tRPC POSTs only, the upload budget to the upload path', () => {
    expect(bodyLimitFor('POST', '/api/trpc/auth.login', limits)).toBe(100);
    expect(bodyLimitFor('POST', '/api/trpc/files.upload', limits)).toBe(1000);
    expect(bodyLimitFor('POST', '/login', limits)).toBe(0);
    expect(bodyLimitFor('GET', '/api/trpc/auth.login', limits)).toBe(0);
    expect(bodyLimitFor('POST', '/api/health', limits)).toBe(0);
  });

  it('refuses a declared length over the limit with 413 and a malformed one with 400', () => {
    expect(declaredBodyRefusal(undefined, 0)).toBeNull();
    expect(declaredBodyRefusal('0', 0)).toBeNull();
    expect(declaredBodyRefusal('100', 100)).toBeNull();
    expect(declaredBodyRefusal('101', 100)).toMatchObject({ status: 413, message: 'Request body exceeds the 100-byte limit.' });
    expect(declaredBodyRefusal('1', 0)).toMatchObject({ status: 413, message: 'This request takes no body.' });
    expect(declaredBodyRefusal('-1', 100)).toMatchObject({ status: 400 });
    expect(declaredBodyRefusal('1e3', 100)).toMatchObject({ status: 400 });
  });
});
