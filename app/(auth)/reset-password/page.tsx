import type { Metadata } from 'next';
import Link from 'next/link';
import { ChoosePasswordForm } from '../choose-password-form';

// middleware.ts also sends Referrer-Policy: no-referrer for this path.
export const metadata: Metadata = { title: 'Choose a new password', referrer: 'no-referrer' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ResetPasswordPage({ searchParams }: Props) {
  const { token } = await searchParams;
  return (
    <>
      <h1>Choose a new password</h1>
      {/* Rendered even without a token: the form keeps the token after it leaves the address bar. */}
      <ChoosePasswordForm flow="reset" token={typeof token === 'string' ? token : ''}>
        <p className="muted">
          This page needs the link from your reset email. <Link href="/forgot-password">Ask for one</Link>.
        </p>
      </ChoosePasswordForm>
    </>
  );
}
