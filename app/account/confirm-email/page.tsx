import type { Metadata } from 'next';
import { ConfirmEmailForm } from '../link-pages';

export const metadata: Metadata = { title: 'Confirm your new address', referrer: 'no-referrer' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ConfirmEmailPage({ searchParams }: Props) {
  const { token } = await searchParams;
  return (
    <>
      <h1>Confirm your new address</h1>
      <ConfirmEmailForm token={typeof token === 'string' ? token : ''} />
    </>
  );
}
