// The network boundary (runtime nodejs). For every request: resolve the client IP once from the
// peer the HTTP entry recorded (and trusted proxies only), refuse API and unsafe-method floods
// (429), foreign-origin unsafe requests (403), unsafe methods on pages (405) and the dev tools
// outside local development (404), and set the CSP nonce and the page security headers. Body
// sizes are the HTTP entry's job. Next 16 calls this convention proxy.ts; see README for the migration.
import { type NextRequest, NextResponse } from 'next/server';
import { getAuditLog } from '@/server/core/audit-log';
import { hasValidCsrfCookie, csrfBinding, issueCsrfCookie } from '@/server/auth/csrf-cookie';
import { readCookie, sessionCookieName } from '@/server/auth/cookie-read';
import { getConfig } from '@/server/core/config';
import { clientUnknownInProduction, requestClientIp } from '@/server/http/client-address';
import { devToolsAllowed, isDevToolPath } from '@/server/http/dev';
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

function withSecurityHeaders(response: NextResponse, csp: string | null, path: string): NextResponse {
  const config = getConfig();
  const pageHeaders = pageSecurityHeaders({ production: config.production });
  for (const [name, value] of Object.entries(pageHeaders)) response.headers.set(name, value);
  if (csp) response.headers.set('Content-Security-Policy', csp);
  // One-time tokens travel in these pages' URLs: never leak them in a Referer.
  if (TOKEN_PAGES.has(path)) response.headers.set('Referrer-Policy', 'no-referrer');
  // API answers are per user: never stored by shared caches, nor kept by the browser.
  if (isApi(path)) response.headers.set('Cache-Control', 'private, no-store');
  return response;
}

function refuse(refused: Refusal, path: string) {
  const response = NextResponse.json(refusalBody(refused), { status: refused.status, headers: refused.headers });
  return withSecurityHeaders(response, REFUSAL_CONTENT_SECURITY_POLICY, path);
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
  const headers = new Headers(request.headers);
  for (const internal of [CLIENT_IP_HEADER, NONCE_HEADER]) headers.delete(internal);

  const ip = requestClientIp(request.headers, config);
  if (clientUnknownInProduction(ip, config)) {
    return refuse(refusal(503, 'The server cannot tell who is asking.'), path);
  }
  headers.set(CLIENT_IP_HEADER, ip);
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

  if (isApi(path)) {
    // Also on the HTML 404 page Next renders for an unknown /api path.
    return withSecurityHeaders(NextResponse.next({ request: { headers } }), API_CONTENT_SECURITY_POLICY, path);
  }
  if (isPublicFile(path)) {
    // next.config.mjs stamps these per file, but its rules match the raw path while the file
    // server decodes it: /%64emo/hostile.html would reach public/demo/hostile.html with no rule
    // matching. So the static set is also set here, for every path that looks like a file.
    const response = NextResponse.next({ request: { headers } });
    for (const [name, value] of Object.entries(DEFAULT_STATIC_SECURITY_HEADERS)) response.headers.set(name, value);
    return response;
  }

  const nonce = createNonce();
  const csp = contentSecurityPolicy(nonce, { development: !config.production });
  headers.set(NONCE_HEADER, nonce);
  headers.set('Content-Security-Policy', csp); // Next reads the nonce from here and stamps its scripts
  const response = withSecurityHeaders(NextResponse.next({ request: { headers } }), csp, path);
  if (!hasValidCsrfCookie(request.headers)) issueCsrfCookie(response.headers, csrfBinding(request.headers));
  return response;
}

export const config = {
  runtime: 'nodejs',
  // Only Next's hashed build output is left out, matched as a whole path segment.
  matcher: ['/((?!_next/static/).*)'],
};
