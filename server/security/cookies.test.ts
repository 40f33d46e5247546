// Attacks cookie writing: lost secure defaults, SameSite=None without Secure, misused __Host-/__Secure- prefixes, and
// header injection through names or values.
import { ResponseCookies } from 'next/dist/compiled/@edge-runtime/cookies';
import { NextResponse } from 'next/server';
import { describe, expect, it } from 'vitest';
import { clearCookie, type CookieOptions, serializeCookie, setCookie } from './cookies';

/** The Set-Cookie lines of a Headers object. */
const setCookies = (headers: Headers) => headers.getSetCookie();
const single = (headers: Headers) => {
  const lines = setCookies(headers);
  expect(lines).toHaveLength(1);
  return lines[0]!;
};
/** The attributes of a Set-Cookie line, lower-cased names, in a map. */
function attributes(line: string) {
  const [pair, ...rest] = line.split(/;\s*/);
  const map = new Map<string, string>();
  for (const attr of rest) {
    const at = attr.indexOf('=');
    map.set((at === -1 ? attr : attr.slice(0, at)).toLowerCase(), at === -1 ? '' : attr.slice(at + 1));
  }
  return { pair, map };
}

describe('serializeCookie / setCookie on Headers', () => {
  it('applies the secure defaults: HttpOnly, Secure, SameSite=Lax, Path=/', () => {
    const headers = new Headers();
    setCookie(headers, 'sid', 'abc123');
    expect(single(headers)).toBe('sid=abc123; Path=/; Secure; HttpOnly; SameSite=Lax');
    expect(serializeCookie('sid', 'abc123')).toBe('sid=abc123; Path=/; Secure; HttpOnly; SameSite=Lax');
  });

  it('appends one Set-Cookie per cookie rather than overwriting or comma-joining', () => {
    const headers = new Headers();
    setCookie(headers, 'a', '1');
    setCookie(headers, 'b', '2', { sameSite: 'strict' });
    expect(setCookies(headers)).toEqual(['a=1; Path=/; Secure; HttpOnly; SameSite=Lax', 'b=2; Path=/; Secure; HttpOnly; SameSite=Strict']);
  });

  it('writes Max-Age (floored), Expires, Domain and a custom Path', () => {
    const headers = new Headers();
    setCookie(headers, 'pref', 'dark', { maxAge: 3600.9, expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)), domain: 'example.com', path: '/app', httpOnly: false });
    const { pair, map } = attributes(single(headers));
    expect(pair).toBe('pref=dark');
    expect(map.get('max-age')).toBe('3600');
    expect(map.get('expires')).toBe('Wed, 02 Jan 2030 03:04:05 GMT');
    expect(map.get('domain')).toBe('example.com');
    expect(map.get('path')).toBe('/app');
    expect(map.has('secure')).toBe(true);
    expect(map.has('httponly')).toBe(false);
    expect(map.get('samesite')).toBe('Lax');
  });

  it('writes SameSite=Strict and SameSite=None (with Secure)', () => {
    expect(attributes(serializeCookie('a', '1', { sameSite: 'strict' })).map.get('samesite')).toBe('Strict');
    const none = attributes(serializeCookie('a', '1', { sameSite: 'none' })).map;
    expect(none.get('samesite')).toBe('None');
    expect(none.has('secure')).toBe(true);
  });

  it('refuses SameSite=None without Secure', () => {
    expect(() => setCookie(new Headers(), 'embed', '1', { sameSite: 'none', secure: false })).toThrow(/SameSite=None requires Secure/);
    expect(() => serializeCookie('embed', '1', { sameSite: 'none', secure: false })).toThrow();
  });

  it('allows plain-http development only when asked (secure: false), keeping the other defaults', () => {
    const headers = new Headers();
    setCookie(headers, 'sid', 'abc', { secure: false });
    expect(single(headers)).toBe('sid=abc; Path=/; HttpOnly; SameSite=Lax');
  });

  it('keeps the secure defaults when an option is passed as undefined', () => {
    const options: CookieOptions = {
      secure: undefined,
      httpOnly: undefined,
      sameSite: undefined,
      path: undefined,
      domain: undefined,
      maxAge: undefined,
    };
    expect(serializeCookie('sid', 'abc', options)).toBe('sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax');
    expect(() => serializeCookie('sid', 'abc', { sameSite: 'none', secure: undefined })).not.toThrow();
    expect(serializeCookie('__Host-sid', 'abc', { path: undefined })).toBe('__Host-sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax');
  });

  it('does not mutate the options object it is given', () => {
    const options: CookieOptions = { maxAge: 10 };
    clearCookie(new Headers(), 'sid', options);
    setCookie(new Headers(), 'sid', 'v', options);
    expect(options).toEqual({ maxAge: 10 });
  });

  describe('__Host- prefix', () => {
    it('holds a lower-case __host- name to the same rules (browsers match prefixes case-insensitively)', () => {
      expect(() => serializeCookie('__host-sid', 'v', { secure: false })).toThrow(/__Host-/);
      expect(() => serializeCookie('__SECURE-sid', 'v', { secure: false })).toThrow(/__Secure-/);
    });

    it('accepts Secure, Path=/ and no Domain', () => {
      expect(serializeCookie('__Host-sid', 'v')).toBe('__Host-sid=v; Path=/; Secure; HttpOnly; SameSite=Lax');
    });

    it.each<[string, CookieOptions]>([
      ['without Secure', { secure: false }],
      ['with a Domain', { domain: 'example.com' }],
      ['with another Path', { path: '/app' }],
      ['with Path=""', { path: '' }],
    ])('refuses it %s', (_label, options) => {
      expect(() => setCookie(new Headers(), '__Host-sid', 'v', options)).toThrow(/__Host-/);
      expect(() => setCookie(new ResponseCookies(new Headers()), '__Host-sid', 'v', options)).toThrow(/__Host-/);
      expect(() => clearCookie(new Headers(), '__Host-sid', options)).toThrow(/__Host-/);
    });

    it('does not write anything when it refuses', () => {
      const headers = new Headers();
      expect(() => setCookie(headers, '__Host-sid', 'v', { domain: 'example.com' })).toThrow();
      expect(setCookies(headers)).toEqual([]);
    });
  });

  describe('__Secure- prefix', () => {
    it('requires Secure but allows a Domain and Path', () => {
      expect(() => serializeCookie('__Secure-sid', 'v', { secure: false })).toThrow(/__Secure-/);
      expect(attributes(serializeCookie('__Secure-sid', 'v', { domain: 'example.com', path: '/app' })).map.get('domain')).toBe('example.com');
    });
  });

  describe('header injection', () => {
    it.each<[string, CookieOptions]>([
      ['a ; in Path', { path: '/; Domain=evil.example' }],
      ['a ; in Domain', { domain: 'example.com; SameSite=None' }],
      ['a newline in Path', { path: '/\r\nSet-Cookie: x=y' }],
      ['an unknown SameSite (untyped caller)', { sameSite: 'None' as unknown as 'none', secure: false }],
      ['a NaN Max-Age', { maxAge: Number.NaN }],
      ['an infinite Max-Age', { maxAge: Number.POSITIVE_INFINITY }],
    ])('refuses %s', (_label, options) => {
      expect(() => serializeCookie('sid', 'v', options)).toThrow(/Cookie sid/);
    });

    it.each([
      ['a semicolon and space (attribute injection)', 'x; Domain=evil.com'],
      ['a bare semicolon (attribute injection)', 'x;Domain=evil.com'],
      ['a comma', 'a,b'],
      ['a space', 'a b'],
      ['a double quote', 'a"b'],
      ['a backslash', 'a\\b'],
      ['CR LF (header splitting)', 'x\r\nSet-Cookie: admin=1'],
      ['a NUL', 'a\u0000b'],
      ['a non-ASCII character', 'caf\u00e9'],
      ['a DEL', 'a\u007fb'],
    ])('refuses a value with %s', (_label, value) => {
      expect(() => setCookie(new Headers(), 'sid', value)).toThrow(/Invalid characters/);
      expect(() => setCookie(new ResponseCookies(new Headers()), 'sid', value)).toThrow(/Invalid characters/);
    });

    it.each(['', 'a b', 'a;b', 'a=b', 'a,b', 'a\r\nb', 'a\u0000', '(sid)', 'caf\u00e9', 'a/b'])('refuses the name %j', (name) => {
      expect(() => setCookie(new Headers(), name, 'v')).toThrow(/Invalid cookie name/);
    });

    it('accepts base64url, sealed-looking and empty values verbatim', () => {
      const value = 'Fe26.2*1*abc-_DEF*~xyz!#$%&\'()*+-./:<=>?@[]^_`{|}~';
      expect(attributes(serializeCookie('sid', value)).pair).toBe(`sid=${value}`);
      expect(attributes(serializeCookie('sid', '')).pair).toBe('sid=');
    });
  });
});

describe('clearCookie', () => {
  it('writes an empty value that expires now, with the same secure attributes', () => {
    const headers = new Headers();
    clearCookie(headers, 'sid');
    expect(single(headers)).toBe('sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; SameSite=Lax');
  });

  it('keeps the Path and Domain it is given (a cookie is only cleared by a matching one)', () => {
    const headers = new Headers();
    clearCookie(headers, 'pref', { path: '/app', domain: 'example.com', maxAge: 3600 });
    const cleared = attributes(single(headers)).map;
    expect(cleared.get('path')).toBe('/app');
    expect(cleared.get('domain')).toBe('example.com');
    expect(cleared.get('max-age')).toBe('0');
  });

  it('clears a __Host- cookie without options', () => {
    const headers = new Headers();
    clearCookie(headers, '__Host-sid');
    expect(single(headers)).toMatch(/^__Host-sid=; Path=\/; Max-Age=0; /);
  });

  it('refuses SameSite=None without Secure when clearing too', () => {
    expect(() => clearCookie(new Headers(), 'sid', { sameSite: 'none', secure: false })).toThrow(/SameSite=None/);
  });
});

describe('setCookie / clearCookie on a Next cookie jar', () => {
  it('passes the secure defaults to ResponseCookies', () => {
    const headers = new Headers();
    setCookie(new ResponseCookies(headers), 'sid', 'abc');
    const { pair, map } = attributes(single(headers));
    expect(pair).toBe('sid=abc');
    expect(map.get('path')).toBe('/');
    expect(map.has('secure')).toBe(true);
    expect(map.has('httponly')).toBe(true);
    expect(map.get('samesite')?.toLowerCase()).toBe('lax');
    expect(map.has('domain')).toBe(false);
  });

  it('works on NextResponse#cookies, overriding only what is asked', () => {
    const response = NextResponse.json({ ok: true });
    setCookie(response.cookies, 'csrf', 'tok', { httpOnly: false, sameSite: 'strict', maxAge: 60 });
    const { pair, map } = attributes(single(response.headers));
    expect(pair).toBe('csrf=tok');
    expect(map.has('httponly')).toBe(false);
    expect(map.has('secure')).toBe(true);
    expect(map.get('samesite')?.toLowerCase()).toBe('strict');
    expect(map.get('max-age')).toBe('60');
    expect(map.get('path')).toBe('/');
  });

  it('clears through the jar with Max-Age=0 and an Expires in the past', () => {
    const response = NextResponse.next();
    clearCookie(response.cookies, '__Host-sid');
    const { pair, map } = attributes(single(response.headers));
    expect(pair).toBe('__Host-sid=');
    expect(map.get('max-age')).toBe('0');
    expect(new Date(map.get('expires')!).getTime()).toBe(0);
    expect(map.has('secure')).toBe(true);
    expect(map.get('path')).toBe('/');
  });

  it('refuses SameSite=None without Secure on the jar, writing nothing', () => {
    const response = NextResponse.next();
    expect(() => setCookie(response.cookies, 'embed', '1', { sameSite: 'none', secure: false })).toThrow(/SameSite=None/);
    expect(setCookies(response.headers)).toEqual([]);
  });

  it('allows plain-http development on the jar only when asked', () => {
    const headers = new Headers();
    setCookie(new ResponseCookies(headers), 'sid', 'abc', { secure: false });
    const { map } = attributes(single(headers));
    expect(map.has('secure')).toBe(false);
    expect(map.has('httponly')).toBe(true);
  });

  it('hands a minimal jar the resolved options', () => {
    const calls: [string, string, Record<string, unknown>][] = [];
    setCookie({ set: (name, value, options) => calls.push([name, value, options]) }, 'sid', 'v', { maxAge: 5 });
    expect(calls).toEqual([['sid', 'v', { path: '/', sameSite: 'lax', secure: true, httpOnly: true, maxAge: 5 }]]);
  });
});
