import Link from 'next/link';

const flows = [
  { href: '/signup', label: 'Sign up', note: 'Same answer whether or not the address exists; activation by an emailed one-time link.' },
  { href: '/login', label: 'Sign in', note: 'Atomic per-account, per-IP and per-pair throttling; 429 with Retry-After.' },
  { href: '/forgot-password', label: 'Forgot password', note: 'Opaque single-use reset tokens, stored only as SHA-256 hashes.' },
  { href: '/account', label: 'Account', note: 'Server-side sessions you can list and revoke; password change; security activity.' },
  { href: '/files', label: 'Files', note: 'Owner-only uploads checked by their bytes; 404 for anything not yours.' },
  { href: '/webhooks', label: 'Webhooks', note: 'SSRF-safe outbound requests, pinned to a checked public address.' },
  { href: '/dev/mailbox', label: 'Dev mailbox', note: 'Development only: the mail the app would have sent.' },
];

export default function HomePage() {
  return (
    <>
      <div className="grid gap-4">
        <h1 className="sm:text-4xl">Bastion</h1>
        <p className="max-w-prose text-base sm:text-lg text-zinc-700 dark:text-zinc-300">
          A starter for Next.js 16, tRPC 11 and Drizzle on Postgres whose authentication and request handling are
          hardened from day one: brute-force throttling that parallel guesses cannot overshoot, single-use tokens stored
          only as hashes, a client IP that cannot be spoofed, CSRF protection, strict headers, safe uploads, SSRF-safe
          outbound requests, ownership checks and an audit log.
        </p>
      </div>
      <section className="grid gap-4">
        <h2>Try the flows</h2>
        <ul className="grid gap-3 sm:grid-cols-2">
          {flows.map((flow) => (
            <li
              key={flow.href}
              className={[
                'relative rounded-lg border border-zinc-200 bg-white p-4 shadow-xs hover:border-indigo-400',
                'dark:border-zinc-800 dark:bg-zinc-900 dark:hover:border-indigo-500',
              ].join(' ')}
            >
              {/* The whole card is the link's target; the link's name stays the flow's name. */}
              <Link href={flow.href} className="font-semibold no-underline after:absolute after:inset-0 after:rounded-lg">{flow.label}</Link>
              <p className="muted mt-1 text-sm">{flow.note}</p>
            </li>
          ))}
        </ul>
      </section>
      <p className="muted text-sm">
        Health: <a href="/api/health">/api/health</a>
      </p>
    </>
  );
}
