import type { Metadata } from 'next';
import { UnlockForm } from '@/app/account/link-pages';

export const metadata: Metadata = { title: 'Sign in despite the lock', referrer: 'no-referrer' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function UnlockPage({ searchParams }: Props) {
  const { token } = await searchParams;
  return (
    <>
      <h1>Sign in despite the lock</h1>
      <p className="muted">Your account is locked for everyone else. This browser gets its own sign-in budget.</p>
      <UnlockForm token={typeof token === 'string' ? token : ''} />
    </>
  );
}
