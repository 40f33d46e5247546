// The request line, checked before Next sees it: methods no route serves get 405, targets no
// route can match get 400 (Next would otherwise answer some of them with a 500 and a stack trace
// in the log), and an absolute-form target is reduced to its path, so that nothing downstream
// builds a URL — a redirect, say — on a host the client chose.
import type { IncomingMessage } from 'node:http';
import { type Refusal, refusal } from './refusal';

export const SERVED_METHODS: readonly string[] = ['GET', 'HEAD', 'POST'];

export const methodNotAllowed = () => refusal(405, 'Method not allowed.', { Allow: SERVED_METHODS.join(', ') });

const ABSOLUTE_FORM = /^[a-z][a-z\d+.-]*:\/\//i;

/** The path and query of a request target, or null when it is not one a route could serve. */
export function originForm(target: string): string | null {
  let path = target;
  if (ABSOLUTE_FORM.test(target)) {
    if (!URL.canParse(target)) return null;
    const url = new URL(target);
    path = `${url.pathname}${url.search}`;
  }
  // `//host/…` and `/\host/…` read as another host to browsers, wherever they end up echoed.
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return null;
  const pathname = path.split('?', 1)[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  return /\p{Cc}/u.test(decoded) ? null : path;
}

/** Refuses what no route serves; otherwise leaves `req.url` in origin form. */
export function checkRequestLine(req: IncomingMessage): Refusal | null {
  if (!SERVED_METHODS.includes(req.method ?? '')) return methodNotAllowed();
  const target = originForm(req.url ?? '');
  if (target === null) return refusal(400, 'Malformed request target.');
  req.url = target;
  return null;
}
