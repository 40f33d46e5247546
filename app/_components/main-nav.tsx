'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { SignOutButton } from './sign-out-button';

const signedInLinks = [
  ['/account', 'Account'],
  ['/files', 'Files'],
  ['/webhooks', 'Webhooks'],
] as const;
const signedOutLinks = [['/login', 'Sign in'], ['/signup', 'Sign up']] as const;

/** The main navigation for the visitor's session; the current page is marked for screen readers. */
export function MainNav({ signedIn }: { signedIn: boolean }) {
  const path = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-wrap items-center gap-x-1 gap-y-2 text-sm">
      {(signedIn ? signedInLinks : signedOutLinks).map(([href, label]) => (
        <Link
          key={href}
          href={href}
          aria-current={path === href ? 'page' : undefined}
          className={[
            'rounded-md px-2.5 py-1.5 font-medium text-zinc-700 no-underline hover:bg-zinc-100',
            'dark:text-zinc-300 dark:hover:bg-zinc-800',
            'aria-[current=page]:bg-zinc-100 aria-[current=page]:text-zinc-900',
            'dark:aria-[current=page]:bg-zinc-800 dark:aria-[current=page]:text-white',
          ].join(' ')}
        >
          {label}
        </Link>
      ))}
      {signedIn ? <SignOutButton /> : null}
    </nav>
  );
}
