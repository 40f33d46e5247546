'use client';

import type { ReactNode } from 'react';
import { useTRPCClient } from '@/app/_trpc/provider';
import { ChoosePasswordForm } from '../choose-password-form';

/** "Choose your password", which activates the account, or `children` when the page was opened without a token. */
export function ActivateForm({ token, children }: { token: string; children: ReactNode }) {
  const client = useTRPCClient();
  return (
    <ChoosePasswordForm token={token} label="Password" submitLabel="Activate my account" submit={(input) => client.auth.activate.mutate(input)} doneLink="Sign in">
      {children}
    </ChoosePasswordForm>
  );
}
