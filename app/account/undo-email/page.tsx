import type { Metadata } from 'next';
import { UndoEmailForm } from '../link-pages';

export const metadata: Metadata = { title: 'Restore your address', referrer: 'no-referrer' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function UndoEmailPage({ searchParams }: Props) {
  const { token } = await searchParams;
  return (
    <>
      <h1>Restore your address</h1>
      <p className="muted">This puts back the address this link was mailed to and signs out every session.</p>
      <UndoEmailForm token={typeof token === 'string' ? token : ''} />
    </>
  );
}
