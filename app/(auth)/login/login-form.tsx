'use client';

import { useRouter } from 'next/navigation';
import { MutationForm } from '@/app/_components/mutation-form';
import { useTRPCClient } from '@/app/_trpc/provider';

export function LoginForm() {
  const client = useTRPCClient();
  const router = useRouter();
  return (
    <MutationForm
      submitLabel="Sign in"
      fields={[
        { name: 'email', label: 'Email', type: 'email', autoComplete: 'username' },
        { name: 'password', label: 'Password', type: 'password', autoComplete: 'current-password' },
      ]}
      submit={async (values) => {
        await client.auth.login.mutate({ email: values.email ?? '', password: values.password ?? '' });
        return { message: 'Signed in.' };
      }}
      onSuccess={() => {
        router.push('/account');
        router.refresh();
      }}
    />
  );
}
