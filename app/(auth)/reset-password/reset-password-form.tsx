'use client';

import Link from 'next/link';
import { type ReactNode, useState } from 'react';
import { MutationForm } from '@/app/_components/mutation-form';
import { useTokenFromUrl } from '@/app/_components/use-token-from-url';
import { useTRPCClient } from '@/app/_trpc/provider';

/** The new-password form, or `children` when the page was opened without a token. */
export function ResetPasswordForm({ token, children }: { token: string; children: ReactNode }) {
  const client = useTRPCClient();
  const kept = useTokenFromUrl(token);
  const [done, setDone] = useState(false);
  if (!kept) return children;
  return (
    <>
      <MutationForm
        submitLabel="Change password"
        fields={[{ name: 'password', label: 'New password', type: 'password', autoComplete: 'new-password', hint: 'At least 12 characters.' }]}
        submit={(values) => client.auth.resetPassword.mutate({ token: kept, password: values.password ?? '' })}
        onSuccess={() => setDone(true)}
      />
      {done ? <p><Link href="/login">Sign in with your new password</Link></p> : null}
    </>
  );
}
