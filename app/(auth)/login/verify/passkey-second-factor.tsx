'use client';

import { startAuthentication } from '@simplewebauthn/browser';
import { useState } from 'react';
import { Alert } from '@/app/_components/alert';
import { Button } from '@/app/_components/button';
import { passkeyErrorMessage } from '@/app/_components/passkey-ceremony';
import { useTRPCClient } from '@/app/_trpc/provider';

/** The code step answered with one of the account's passkeys instead of a code. */
export function PasskeySecondFactor({ trustBrowser, onSignedIn }: { trustBrowser: boolean; onSignedIn: () => void }) {
  const client = useTRPCClient();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState('');
  const onClick = async () => {
    setPending(true);
    setError('');
    try {
      const optionsJSON = await client.passkeys.secondFactorOptions.mutate();
      const response = await startAuthentication({ optionsJSON });
      await client.passkeys.verifySecondFactor.mutate({ response, trustBrowser });
      onSignedIn();
    } catch (failure) {
      setError(passkeyErrorMessage(failure));
    } finally {
      setPending(false);
    }
  };
  return (
    <div className="grid gap-2">
      <Button variant="secondary" pending={pending} onClick={() => void onClick()} className="sm:justify-self-start">
        Use a passkey instead
      </Button>
      <Alert tone="error" role="alert">{error}</Alert>
    </div>
  );
}
