'use client';

import Link from 'next/link';
import { type ReactNode, useState } from 'react';
import { MutationForm } from '@/app/_components/mutation-form';
import { useTokenFromUrl } from '@/app/_components/use-token-from-url';
import { useTRPCClient } from '@/app/_trpc/provider';

const HINT = 'At least 12 characters. Long passphrases are welcome.';

const FLOWS = {
  activate: { label: 'Password', submitLabel: 'Activate my account', doneLink: 'Sign in' },
  reset: { label: 'New password', submitLabel: 'Change password', doneLink: 'Sign in with your new password' },
};
type PasswordFlow = keyof typeof FLOWS;

type Props = { flow: PasswordFlow; token: string; children: ReactNode };

/**
 * "Choose a password" for the token of an emailed link — the first one (activation) or a new one
 * (reset) — or `children` when the page was opened without a token.
 */
export function ChoosePasswordForm({ flow, token, children }: Props) {
  const client = useTRPCClient();
  const kept = useTokenFromUrl(token);
  const [done, setDone] = useState(false);
  if (!kept) return children;
  const { label, submitLabel, doneLink } = FLOWS[flow];
  const mutation = flow === 'activate' ? client.auth.activate : client.auth.resetPassword;
  return (
    <>
      <MutationForm
        submitLabel={submitLabel}
        fields={[{ name: 'password', label, type: 'password', autoComplete: 'new-password', hint: HINT }]}
        submit={(values) => mutation.mutate({ token: kept, password: values.password ?? '' })}
        onSuccess={() => setDone(true)}
      />
      {done ? <p><Link href="/login">{doneLink}</Link></p> : null}
    </>
  );
}
