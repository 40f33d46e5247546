import Link from 'next/link';

const flows = [
  { href: '/signup', label: 'Sign up', note: 'same answer whether or not the address exists; activation by emailed one-time link' },
  { href: '/login', label: 'Sign in', note: 'atomic per-account, per-IP and per-pair throttling; 429 with Retry-After' },
  { href: '/forgot-password', label: 'Forgot password', note: 'opaque single-use reset tokens stored only as SHA-256 hashes' },
  { href: '/account', label: 'Account', note: 'server-side sessions you can list and revoke; password change; security activity' },
  { href: '/files', label: 'Files', note: 'owner-only uploads checked by magic bytes; 404 for anything not yours' },
  { href: '/webhooks', label: 'Webhooks', note: 'SSRF-safe outbound requests pinned to a checked public address' },
  { href: '/dev/mailbox', label: 'Dev mailbox', note: 'development only: the mail the app would have sent' },
];

export default function HomePage() {
  return (
    <>
      <h1>Bastion</h1>
      <p>
        A starter for Next.js 16, tRPC 11 and Drizzle on Postgres whose authentication and request handling are
        hardened from day one: brute-force throttling that parallel guesses cannot overshoot, single-use tokens stored
        only as hashes, a client IP that cannot be spoofed, CSRF protection, strict headers, safe uploads, SSRF-safe
        outbound requests, ownership checks and an audit log.
      </p>
      <h2>Try the flows</h2>
      <ul className="defences">
        {flows.map((flow) => (
          <li key={flow.href}>
            <Link href={flow.href}>{flow.label}</Link> <span className="muted">— {flow.note}</span>
          </li>
        ))}
      </ul>
      <p className="muted">
        Health: <a href="/api/health">/api/health</a>
      </p>
    </>
  );
}
