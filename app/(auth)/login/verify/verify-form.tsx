'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { MutationForm } from '@/app/_components/mutation-form';
import { PasskeySecondFactor } from './passkey-second-factor';
import { useTRPCClient } from '@/app/_trpc/provider';

export function VerifyForm() {
  const client = useTRPCClient();
  const router = useRouter();
  const [trustBrowser, setTrustBrowser] = useState(false);
  const verify = (code: string | undefined) => client.twoFactor.verify.mutate({ code: code ?? '', trustBrowser });
  const done = () => {
    router.push('/account');
    router.refresh();
  };
  return (
    <>
      <MutationForm
        submitLabel="Verify"
        fields={[{ name: 'code', label: 'Code', type: 'text', autoComplete: 'one-time-code', inputMode: 'numeric' }]}
        submit={(values) => verify(values.code)}
        onSuccess={done}
      />
      <label>
        <input type="checkbox" checked={trustBrowser} onChange={(event) => setTrustBrowser(event.target.checked)} />
        Trust this browser for 30 days
      </label>
      <PasskeySecondFactor trustBrowser={trustBrowser} onSignedIn={done} />
      <h2>Lost your device?</h2>
      <MutationForm
        submitLabel="Use recovery code"
        fields={[{ name: 'recoveryCode', label: 'Recovery code', type: 'text', autoComplete: 'off', hint: 'xxxx-xxxx-xxxx-xxxx' }]}
        submit={(values) => verify(values.recoveryCode)}
        onSuccess={done}
      />
    </>
  );
}
