import { getConfig } from '@/server/core/config';

/**
 * `__Host-` in every secure context: the browser then refuses the cookie unless it is Secure,
 * Path=/ and has no Domain, so a sibling subdomain cannot plant or overwrite it.
 */
export function sessionCookieName(): string {
  return getConfig().secureCookies ? '__Host-bastion_session' : 'bastion_session';
}

/** A percent-encoded cookie value, decoded; undefined (never an exception) when it is malformed. */
export function decodeCookieValue(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** One cookie's raw value from a request's Cookie header. */
export function readCookie(headers: Headers, name: string): string | undefined {
  const header = headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
