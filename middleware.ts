// The network boundary (runtime nodejs). For every request: resolve the client IP once from the
// peer the HTTP entry recorded (and trusted proxies only), refuse API and unsafe-method floods
// (429), foreign-origin unsafe requests (403), unsafe methods on pages (405) and the dev tools
// outside local development (404), and set the CSP nonce and the page security headers. Body
// sizes are the HTTP entry's job. Under the entry, the headers of a request that goes on are written
// straight onto its Node request and response (server/http/exchange.ts), not carried by NextResponse.
// Next 16 calls this convention proxy.ts; see README for the migration.
import { type NextRequest, NextResponse } from 'next/server';
import { getAuditLog } from '@/server/core/audit-log';
import { hasValidCsrfCookie, csrfBinding, issueCsrfCookie } from '@/server/auth/csrf-cookie';
import { readCookie, sessionCookieName } from '@/server/auth/cookie-read';
import { getConfig } from '@/server/core/config';
import { clientUnknownInProduction, requestClientIp } from '@/server/http/client-address';
import { devToolsAllowed, isDevToolPath } from '@/server/http/dev';
import { type Exchange, exchangeFor } from '@/server/http/exchange';
import {
  API_CONTENT_SECURITY_POLICY,
  type Refusal,
  REFUSAL_CONTENT_SECURITY_POLICY,
  refusal,
  refusalBody,
} from '@/server/http/refusal';
import { ipBucket } from '@/server/security/client-ip';
import { checkRequestOrigin, SAFE_METHODS } from '@/server/security/csrf';
import { TooManyRequestsError, StoreUnavailableError } from '@/server/security/errors';
import {
  CLIENT_IP_HEADER,
  contentSecurityPolicy,
  createNonce,
  DEFAULT_STATIC_SECURITY_HEADERS,
  NONCE_HEADER,
  pageSecurityHeaders,
} from '@/server/security/headers';
import { getApiThrottle } from '@/server/core/rate-limits';

const isApi = (path: string) => path.startsWith('/api/');
const isPublicFile = (path: string) => !isApi(path) && !path.startsWith('/_next/') && /\.[A-Za-z0-9]{1,8}$/.test(path);

const TOKEN_PAGES = new Set(['/reset-password', '/activate', '/account/confirm-email', '/account/undo-email', '/unlock']);

/** The security headers of an answer on `path`: the page set, its CSP, and per-path extras. */
function securityHeaders(csp: string | null, path: string): [string, string][] {
  const headers = Object.entries(pageSecurityHeaders({ production: getConfig().production }));
  if (csp) headers.push(['Content-Security-Policy', csp]);
  // One-time tokens travel in these pages' URLs: never leak them in a Referer.
  if (TOKEN_PAGES.has(path)) headers.push(['Referrer-Policy', 'no-referrer']);
  // API answers are per user: never stored by shared caches, nor kept by the browser.
  if (isApi(path)) headers.push(['Cache-Control', 'private, no-store']);
  return headers;
}

function refuse(refused: Refusal, path: string) {
  const response = NextResponse.json(refusalBody(refused), { status: refused.status, headers: refused.headers });
  for (const [name, value] of securityHeaders(REFUSAL_CONTENT_SECURITY_POLICY, path)) response.headers.set(name, value);
  return response;
}

/**
 * Where a request that goes on to its route gets its internal request headers and its response
 * headers: written straight onto the HTTP entry's Node request and response when it runs (see
 * server/http/exchange.ts for why), else carried by NextResponse (`next start`, serverless).
 * Either way no client's copy of an internal header survives. One difference: a cookie set through
 * NextResponse is also visible to this request's server components (`cookies()`), one set on `res`
 * only to the browser — right for the CSRF cookie, which only the browser reads; a cookie a render
 * must see at once belongs in a request header too.
 */
type Onward = {
  setRequestHeader(name: string, value: string): void;
  setResponseHeader(name: string, value: string): void;
  setCookies(cookies: string[]): void;
  next(): NextResponse;
};

/** The entry dropped a client's copies of the internal headers already (recordPeerAddress). */
function onwardThroughEntry({ req, res }: Exchange): Onward {
  return {
    setRequestHeader: (name, value) => void (req.headers[name.toLowerCase()] = value),
    setResponseHeader: (name, value) => void res.setHeader(name, value),
    setCookies: (cookies) => void res.appendHeader('Set-Cookie', cookies),
    next: () => NextResponse.next(),
  };
}

function onwardThroughNext(request: NextRequest): Onward {
  const requestHeaders = new Headers(request.headers);
  for (const internal of [CLIENT_IP_HEADER, NONCE_HEADER]) requestHeaders.delete(internal);
  const responseHeaders: [string, string][] = [];
  const cookies: string[] = [];
  return {
    setRequestHeader: (name, value) => requestHeaders.set(name, value),
    setResponseHeader: (name, value) => void responseHeaders.push([name, value]),
    setCookies: (set) => void cookies.push(...set),
    next: () => {
      const response = NextResponse.next({ request: { headers: requestHeaders } });
      for (const [name, value] of responseHeaders) response.headers.set(name, value);
      for (const cookie of cookies) response.headers.append('Set-Cookie', cookie);
      return response;
    },
  };
}

/** API calls and every unsafe-method request (pages too, which have no other limit) spend the per-IP budget. */
const spendsBudget = (method: string, path: string) =>
  !SAFE_METHODS.has(method) || (isApi(path) && path !== '/api/health');

/** One unit of the per-IP API budget; a refusal response when it is spent (or the store is down and fails closed). */
async function spendApiBudget(ip: string, path: string): Promise<NextResponse | null> {
  try {
    await getApiThrottle().reserveOrThrow(ipBucket(ip));
    return null;
  } catch (error) {
    if (error instanceof TooManyRequestsError) {
      return refuse(refusal(429, error.message, { 'Retry-After': String(error.retryAfterSeconds) }), path);
    }
    if (error instanceof StoreUnavailableError) return refuse(refusal(503, error.message), path);
    throw error;
  }
}

export async function middleware(request: NextRequest) {
  const config = getConfig();
  const path = request.nextUrl.pathname;
  const exchange = exchangeFor(request.method);
  const onward = exchange ? onwardThroughEntry(exchange) : onwardThroughNext(request);

  const ip = requestClientIp(request.headers, config);
  if (clientUnknownInProduction(ip, config)) {
    return refuse(refusal(503, 'The server cannot tell who is asking.'), path);
  }
  onward.setRequestHeader(CLIENT_IP_HEADER, ip);
  const audit = (details: Record<string, unknown>) =>
    getAuditLog().record({ event: 'csrf_rejected', ip, userAgent: request.headers.get('user-agent'), method: request.method, path, details });

  if (isDevToolPath(path) && !devToolsAllowed({ clientIp: ip, host: request.headers.get('host') }, config)) {
    return refuse(refusal(404, 'Not found.'), path);
  }
  // Spent before any refusal is audited: a flood of cross-site POSTs cannot become a flood of audit rows.
  if (spendsBudget(request.method, path)) {
    const limited = await spendApiBudget(ip, path);
    if (limited) return limited;
  }

  if (!SAFE_METHODS.has(request.method)) {
    const hasSession = readCookie(request.headers, sessionCookieName()) !== undefined;
    const verdict = checkRequestOrigin(request.headers, config.allowedOrigins, hasSession);
    if (!verdict.ok) {
      await audit({ reason: verdict.reason, origin: request.headers.get('origin'), secFetchSite: request.headers.get('sec-fetch-site') });
      return refuse(refusal(403, 'Cross-site request refused.'), path);
    }
    if (!isApi(path)) return refuse(refusal(405, 'Pages accept only GET and HEAD.', { Allow: 'GET, HEAD' }), path);
  }

  if (isPublicFile(path)) {
    // next.config.mjs stamps these per file, but its rules match the raw path while the file
    // server decodes it: /%64emo/hostile.html would reach public/demo/hostile.html with no rule
    // matching. So the static set is also set here, for every path that looks like a file.
    for (const [name, value] of Object.entries(DEFAULT_STATIC_SECURITY_HEADERS)) onward.setResponseHeader(name, value);
    return onward.next();
  }
  let csp = API_CONTENT_SECURITY_POLICY; // also on the HTML 404 page Next renders for an unknown /api path
  if (!isApi(path)) {
    const nonce = createNonce();
    csp = contentSecurityPolicy(nonce, { development: !config.production });
    onward.setRequestHeader(NONCE_HEADER, nonce);
    onward.setRequestHeader('Content-Security-Policy', csp); // Next reads the nonce from here and stamps its scripts
    if (!hasValidCsrfCookie(request.headers)) {
      const issued = new Headers();
      issueCsrfCookie(issued, csrfBinding(request.headers));
      onward.setCookies(issued.getSetCookie());
    }
  }
  for (const [name, value] of securityHeaders(csp, path)) onward.setResponseHeader(name, value);
  return onward.next();
}

export const config = {
  runtime: 'nodejs',
  // Only Next's hashed build output is left out, matched as a whole path segment.
  matcher: ['/((?!_next/static/).*)'],
};
