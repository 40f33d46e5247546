'use client';

import { MutationForm } from '@/app/_components/mutation-form';
import { useTRPCClient } from '@/app/_trpc/provider';

export function SignupForm() {
  const client = useTRPCClient();
  return (
    <MutationForm
      submitLabel="Sign up"
      fields={[
        { name: 'email', label: 'Email', type: 'email', autoComplete: 'email', hint: 'We mail you a link to pick a password.' },
      ]}
      submit={(values) => client.auth.signup.mutate({ email: values.email ?? '' })}
    />
  );
}
