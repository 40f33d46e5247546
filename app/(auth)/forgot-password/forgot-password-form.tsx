'use client';

import { MutationForm } from '@/app/_components/mutation-form';
import { useTRPCClient } from '@/app/_trpc/provider';

export function ForgotPasswordForm() {
  const client = useTRPCClient();
  return (
    <MutationForm
      submitLabel="Send reset link"
      fields={[{ name: 'email', label: 'Email', type: 'email', autoComplete: 'email' }]}
      submit={(values) => client.auth.requestPasswordReset.mutate({ email: values.email ?? '' })}
    />
  );
}
