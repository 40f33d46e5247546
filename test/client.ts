// A browser-like HTTP client for integration tests: keeps cookies, sends Origin and the CSRF
// header on mutations the way the real tRPC client does, and can pose as any client IP through
// a trusted proxy header when the app under test trusts 127.0.0.1.
import { randomInt } from 'node:crypto';

export type TrpcReply<T = unknown> = {
  status: number;
  headers: Headers;
  text: string;
  data?: T;
  error?: {
    message: string;
    code: number;
    data: { code: string; httpStatus: number; retryAfterSeconds?: number; fieldErrors?: unknown };
  };
};

/** The test apps run with NODE_ENV=production, so the session cookie carries the __Host- prefix. */
export const SESSION_COOKIE = '__Host-bastion_session';
export const CSRF_COOKIE = '__Host-bastion_csrf';
/** The name an app with plain-http cookies (NODE_ENV=test) uses. */
export const CSRF_COOKIE_PLAIN = 'bastion_csrf';

export function randomClientIp(): string {
  return `198.51.${randomInt(0, 255)}.${randomInt(1, 254)}`;
}

/** How a client's requests leave it; a load-balancer test binds each client to its own source address. */
export type Send = (url: string, init: RequestInit) => Promise<Response>;

export class TestClient {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly origin: string,
    readonly ip: string = randomClientIp(),
    readonly userAgent = 'bastion-test-client',
    private readonly send: Send = fetch,
  ) {}

  /** Loads a page, which issues the CSRF cookie. */
  async start(path = '/login'): Promise<this> {
    await this.request(path);
    return this;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('x-forwarded-for', this.ip);
    headers.set('user-agent', this.userAgent);
    if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader());
    const response = await this.send(`${this.origin}${path}`, { ...init, headers, redirect: 'manual' });
    this.remember(response);
    return response;
  }

  private async reply<T>(response: Response): Promise<TrpcReply<T>> {
    const text = await response.text();
    let parsed: { result?: { data: T }; error?: TrpcReply['error'] } = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      // a non-tRPC answer (e.g. from middleware): keep the text
    }
    return { status: response.status, headers: response.headers, text, data: parsed.result?.data, error: parsed.error };
  }

  async mutation<T = unknown>(
    procedure: string,
    input?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<TrpcReply<T>> {
    const response = await this.request(`/api/trpc/${procedure}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'origin': this.origin, 'x-csrf-token': this.csrfToken(), ...extraHeaders },
      body: input === undefined ? undefined : JSON.stringify(input),
    });
    return this.reply<T>(response);
  }

  /** The double-submit token the app issued, under whichever name its cookie mode uses. */
  csrfToken(): string {
    return this.cookies.get(CSRF_COOKIE) ?? this.cookies.get(CSRF_COOKIE_PLAIN) ?? '';
  }

  async query<T = unknown>(procedure: string, input?: unknown): Promise<TrpcReply<T>> {
    const search = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return this.reply<T>(await this.request(`/api/trpc/${procedure}${search}`));
  }
}
