'use client';

import { MutationForm } from '@/app/_components/mutation-form';
import { useTRPCClient } from '@/app/_trpc/provider';

export function SignupForm() {
  const client = useTRPCClient();
  return (
    <MutationForm
      submitLabel="Sign up"
      fields={[
        { name: 'email', label: 'Email', type: 'email', autoComplete: 'email' },
        { name: 'password', label: 'Password', type: 'password', autoComplete: 'new-password', hint: 'At least 12 characters. Long passphrases are welcome.' },
      ]}
      submit={(values) => client.auth.signup.mutate({ email: values.email ?? '', password: values.password ?? '' })}
    />
  );
}
