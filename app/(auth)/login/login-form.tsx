'use client';

import { useRouter } from 'next/navigation';
import { useRef } from 'react';
import { MutationForm } from '@/app/_components/mutation-form';
import { useTRPCClient } from '@/app/_trpc/provider';
import { PasskeySignIn } from './passkey-sign-in';

export function LoginForm() {
  const client = useTRPCClient();
  const router = useRouter();
  const next = useRef('/account');
  const done = () => {
    router.push(next.current);
    router.refresh();
  };
  return (
    <>
      <MutationForm
        submitLabel="Sign in"
        fields={[
          { name: 'email', label: 'Email', type: 'email', autoComplete: 'username webauthn' },
          { name: 'password', label: 'Password', type: 'password', autoComplete: 'current-password' },
        ]}
        submit={async (values) => {
          const result = await client.auth.login.mutate({ email: values.email ?? '', password: values.password ?? '' });
          next.current = result.pendingSecondFactor ? '/login/verify' : '/account';
          return { message: result.pendingSecondFactor ? 'One more step.' : 'Signed in.' };
        }}
        onSuccess={done}
      />
      <PasskeySignIn
        onSignedIn={() => {
          next.current = '/account';
          done();
        }}
      />
    </>
  );
}
