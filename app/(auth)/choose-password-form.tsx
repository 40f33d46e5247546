'use client';

import Link from 'next/link';
import { type ReactNode, useState } from 'react';
import { MutationForm } from '@/app/_components/mutation-form';
import { useTokenFromUrl } from '@/app/_components/use-token-from-url';

/** "Choose a password" for the token of an emailed link, or `children` when the page was opened without one. */
export function ChoosePasswordForm(props: {
  token: string;
  label: string;
  submitLabel: string;
  submit: (input: { token: string; password: string }) => Promise<{ message?: string }>;
  doneLink: string;
  children: ReactNode;
}) {
  const kept = useTokenFromUrl(props.token);
  const [done, setDone] = useState(false);
  if (!kept) return props.children;
  return (
    <>
      <MutationForm
        submitLabel={props.submitLabel}
        fields={[{ name: 'password', label: props.label, type: 'password', autoComplete: 'new-password', hint: 'At least 12 characters. Long passphrases are welcome.' }]}
        submit={(values) => props.submit({ token: kept, password: values.password ?? '' })}
        onSuccess={() => setDone(true)}
      />
      {done ? <p><Link href="/login">{props.doneLink}</Link></p> : null}
    </>
  );
}
