// Cookies with secure defaults (HttpOnly, Secure, SameSite=Lax, Path=/) on a Headers object or
// a Next-style cookie jar. SameSite=None without Secure and misused __Host-/__Secure- prefixes
// are errors, not silent browser rejections. Plain-http development is opt-in (secure: false).

export type SameSite = 'lax' | 'strict' | 'none';
export type CookieOptions = {
  maxAge?: number;
  expires?: Date;
  path?: string;
  domain?: string;
  sameSite?: SameSite;
  secure?: boolean;
  httpOnly?: boolean;
};
export type CookieJar = { set(name: string, value: string, options: Record<string, unknown>): unknown };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
const ATTRIBUTE = /^[\x20-\x3A\x3C-\x7E]+$/;

function resolve(name: string, value: string, options: CookieOptions) {
  // An option passed as undefined (`{ secure: maybe }`) must not erase a secure default.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as CookieOptions;
  const resolved = { path: '/', sameSite: 'lax' as SameSite, secure: true, httpOnly: true, ...given };
  if (!TOKEN.test(name)) throw new Error(`Invalid cookie name: ${JSON.stringify(name)}`);
  if (!VALUE.test(value)) throw new Error(`Invalid characters in the value of cookie ${name}`);
  // Attributes are checked too: a ";" in a path or domain would smuggle in attributes of its own.
  if (!ATTRIBUTE.test(resolved.path) || (resolved.domain !== undefined && !ATTRIBUTE.test(resolved.domain))) {
    throw new Error(`Cookie ${name}: invalid characters in Path or Domain`);
  }
  if (!['lax', 'strict', 'none'].includes(resolved.sameSite)) throw new Error(`Cookie ${name}: SameSite must be lax, strict or none`);
  if (resolved.maxAge !== undefined && !Number.isFinite(resolved.maxAge)) throw new Error(`Cookie ${name}: Max-Age must be a finite number`);
  if (resolved.sameSite === 'none' && !resolved.secure) throw new Error(`Cookie ${name}: SameSite=None requires Secure`);
  // Browsers match these prefixes case-insensitively, so a misspelt __host- must be held to the rules too.
  const lower = name.toLowerCase();
  if (lower.startsWith('__secure-') && !resolved.secure) throw new Error(`Cookie ${name}: the __Secure- prefix requires Secure`);
  if (lower.startsWith('__host-') && (!resolved.secure || resolved.path !== '/' || resolved.domain)) {
    throw new Error(`Cookie ${name}: the __Host- prefix requires Secure, Path=/ and no Domain`);
  }
  return resolved;
}

export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const o = resolve(name, value, options);
  const parts = [`${name}=${value}`, `Path=${o.path}`];
  if (o.maxAge !== undefined) parts.push(`Max-Age=${Math.floor(o.maxAge)}`);
  if (o.expires) parts.push(`Expires=${o.expires.toUTCString()}`);
  if (o.domain) parts.push(`Domain=${o.domain}`);
  if (o.secure) parts.push('Secure');
  if (o.httpOnly) parts.push('HttpOnly');
  parts.push(`SameSite=${o.sameSite[0]?.toUpperCase()}${o.sameSite.slice(1)}`);
  return parts.join('; ');
}

export function setCookie(target: Headers | CookieJar, name: string, value: string, options: CookieOptions = {}): void {
  if (target instanceof Headers) {
    target.append('Set-Cookie', serializeCookie(name, value, options));
    return;
  }
  const o = resolve(name, value, options);
  target.set(name, value, { ...o });
}

export function clearCookie(target: Headers | CookieJar, name: string, options: CookieOptions = {}): void {
  setCookie(target, name, '', { ...options, maxAge: 0, expires: new Date(0) });
}
