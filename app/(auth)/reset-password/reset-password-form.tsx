'use client';

import type { ReactNode } from 'react';
import { useTRPCClient } from '@/app/_trpc/provider';
import { ChoosePasswordForm } from '../choose-password-form';

/** The new-password form, or `children` when the page was opened without a token. */
export function ResetPasswordForm({ token, children }: { token: string; children: ReactNode }) {
  const client = useTRPCClient();
  return (
    <ChoosePasswordForm token={token} label="New password" submitLabel="Change password" submit={(input) => client.auth.resetPassword.mutate(input)} doneLink="Sign in with your new password">
      {children}
    </ChoosePasswordForm>
  );
}
