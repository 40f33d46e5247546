'use client';

import Link from 'next/link';
import { type ReactNode, useState } from 'react';
import { MutationForm } from '@/app/_components/mutation-form';
import { useTRPCClient } from '@/app/_trpc/provider';
import { useTokenFromUrl } from '@/app/_components/use-token-from-url';

/** The activation button, or `children` when the page was opened without a token. */
export function ActivateForm({ token, children }: { token: string; children: ReactNode }) {
  const client = useTRPCClient();
  const kept = useTokenFromUrl(token);
  const [done, setDone] = useState(false);
  if (!kept) return children;
  return (
    <>
      <MutationForm fields={[]} submitLabel="Activate my account" submit={() => client.auth.activate.mutate({ token: kept })} onSuccess={() => setDone(true)} />
      {done ? <p><Link href="/login">Sign in</Link></p> : null}
    </>
  );
}

export function ResendActivationForm() {
  const client = useTRPCClient();
  return (
    <MutationForm
      submitLabel="Send a new activation link"
      fields={[{ name: 'email', label: 'Email', type: 'email', autoComplete: 'email' }]}
      submit={(values) => client.auth.resendActivation.mutate({ email: values.email ?? '' })}
    />
  );
}
