'use client';

import { browserSupportsWebAuthnAutofill, startAuthentication, WebAuthnAbortService } from '@simplewebauthn/browser';
import { useEffect, useState } from 'react';
import { Alert } from '@/app/_components/alert';
import { Button } from '@/app/_components/button';
import { passkeyErrorMessage } from '@/app/_components/passkey-ceremony';
import { useTRPCClient } from '@/app/_trpc/provider';

/**
 * "Sign in with a passkey", and the same sign-in offered by the browser's autofill on the email
 * field (conditional UI, `autocomplete="username webauthn"`), until the button starts its own.
 */
export function PasskeySignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const client = useTRPCClient();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState('');

  async function signIn(useBrowserAutofill: boolean) {
    const optionsJSON = await client.passkeys.signInOptions.mutate();
    const response = await startAuthentication({ optionsJSON, useBrowserAutofill });
    await client.passkeys.signIn.mutate({ response });
    onSignedIn();
  }

  useEffect(() => {
    void browserSupportsWebAuthnAutofill().then((supported) => {
      if (supported) signIn(true).catch((failure: unknown) => setError(passkeyErrorMessage(failure)));
    });
    return () => WebAuthnAbortService.cancelCeremony();
    // Once per page: the autofill request waits for the user for as long as the page is open.
  }, []);

  const onClick = () => {
    setPending(true);
    setError('');
    signIn(false)
      .catch((failure: unknown) => setError(passkeyErrorMessage(failure)))
      .finally(() => setPending(false));
  };
  return (
    <div className="grid gap-2">
      <Button variant="secondary" pending={pending} onClick={onClick} className="sm:justify-self-start">
        Sign in with a passkey
      </Button>
      <Alert tone="error" role="alert">{error}</Alert>
    </div>
  );
}
