import type { Metadata } from 'next';
import Link from 'next/link';
import { ChoosePasswordForm } from '../choose-password-form';

export const metadata: Metadata = { title: 'Choose your password', referrer: 'no-referrer' };

// The link only opens this page; activation needs the password to be chosen and sent (a POST),
// so mail scanners that follow links cannot use up the token.
type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ActivatePage({ searchParams }: Props) {
  const { token } = await searchParams;
  return (
    <>
      <h1>Choose your password</h1>
      {/* Rendered even without a token: the form keeps the token after it leaves the address bar. */}
      <ChoosePasswordForm flow="activate" token={typeof token === 'string' ? token : ''}>
        <p>
          This page needs the link from your activation email. Lost it, or did it expire?{' '}
          <Link href="/signup">Sign up again</Link> with the same address for a new one.
        </p>
      </ChoosePasswordForm>
    </>
  );
}
