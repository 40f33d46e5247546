'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { MutationForm } from '@/app/_components/mutation-form';
import { useTRPC, useTRPCClient } from '@/app/_trpc/provider';
import { TrustedBrowsers } from './trusted-browsers';

const CODE_FIELD = { name: 'code', label: 'Code', type: 'text', autoComplete: 'one-time-code', inputMode: 'numeric' } as const;

function useRefreshStatus() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.twoFactor.status.queryKey() });
}

function ConfirmIdentity({ twoFactorOn }: { twoFactorOn: boolean }) {
  const client = useTRPCClient();
  const refresh = useRefreshStatus();
  return (
    <section aria-labelledby="step-up-heading">
      <h3 id="step-up-heading">Confirm it&apos;s you</h3>
      <p>
        Changing your password or two-factor settings needs you to have signed in within the last 10 minutes.
        {twoFactorOn ? ' Enter a code from your authenticator app, or one of your recovery codes.' : null}
      </p>
      <MutationForm
        submitLabel="Confirm"
        fields={[
          { name: 'password', label: 'Password', type: 'password', autoComplete: 'current-password' },
          ...(twoFactorOn ? [CODE_FIELD] : []),
        ]}
        submit={(values) => client.twoFactor.confirmIdentity.mutate({ password: values.password ?? '', code: values.code })}
        onSuccess={() => void refresh()}
      />
    </section>
  );
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  const download = () => {
    const url = URL.createObjectURL(new Blob([`Bastion recovery codes\n\n${codes.join('\n')}\n`], { type: 'text/plain' }));
    const link = Object.assign(document.createElement('a'), { href: url, download: 'bastion-recovery-codes.txt' });
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section aria-labelledby="recovery-heading">
      <h3 id="recovery-heading">Your recovery codes</h3>
      <p>Each works once, in place of a code. Keep them somewhere safe: they are shown only now.</p>
      <ol data-testid="recovery-codes">{codes.map((code) => <li key={code}><code>{code}</code></li>)}</ol>
      <button type="button" className="secondary" onClick={download}>Download as text</button>
    </section>
  );
}

function Enrol({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const refresh = useRefreshStatus();
  const begin = useMutation(trpc.twoFactor.beginEnrolment.mutationOptions({ onError: () => void refresh() }));
  if (!begin.data) {
    return (
      <>
        {begin.error ? <p className="error">{begin.error.message}</p> : null}
        <button type="button" onClick={() => begin.mutate()}>Set up two-factor authentication</button>
      </>
    );
  }
  const qr = `data:image/svg+xml;base64,${btoa(begin.data.qrSvg)}`;
  return (
    <>
      <p>Scan this QR code with your authenticator app, or type the key, then enter the code it shows.</p>
      <img src={qr} alt="QR code of your two-factor key" width={200} height={200} />
      <p>Key: <code data-testid="totp-key">{begin.data.key}</code></p>
      <MutationForm
        submitLabel="Turn on two-factor authentication"
        fields={[CODE_FIELD]}
        submit={async (values) => {
          const result = await client.twoFactor.confirmEnrolment.mutate({ code: values.code ?? '' });
          onCodes(result.recoveryCodes);
          return result;
        }}
        onSuccess={() => void refresh()}
      />
    </>
  );
}

function Manage({ recoveryCodesLeft, onCodes }: { recoveryCodesLeft: number; onCodes: (codes: string[]) => void }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const refresh = useRefreshStatus();
  const regenerate = useMutation(
    trpc.twoFactor.regenerateRecoveryCodes.mutationOptions({
      onSuccess: (result) => onCodes(result.recoveryCodes),
      onSettled: () => void refresh(),
    }),
  );
  return (
    <>
      <p>Two-factor authentication is <strong>on</strong>. Recovery codes left: <strong data-testid="recovery-codes-left">{recoveryCodesLeft}</strong>.</p>
      {regenerate.error ? <p className="error">{regenerate.error.message}</p> : null}
      <button type="button" className="secondary" onClick={() => regenerate.mutate()}>New recovery codes</button>
      <h3>Turn off</h3>
      <MutationForm
        submitLabel="Turn off two-factor authentication"
        fields={[CODE_FIELD]}
        submit={(values) => client.twoFactor.disable.mutate({ code: values.code ?? '' }).finally(() => void refresh())}
      />
    </>
  );
}

export function TwoFactorPanel() {
  const trpc = useTRPC();
  const status = useQuery(trpc.twoFactor.status.queryOptions());
  const [codes, setCodes] = useState<string[] | null>(null);
  if (status.error) return <p className="error">{status.error.message}</p>;
  if (!status.data) return <p>Loading two-factor settings…</p>;
  const { enabled, recentlyAuthenticated, recoveryCodesLeft } = status.data;
  return (
    <>
      {codes ? <RecoveryCodes codes={codes} /> : null}
      {recentlyAuthenticated ? null : <ConfirmIdentity twoFactorOn={enabled} />}
      {recentlyAuthenticated && enabled ? <Manage recoveryCodesLeft={recoveryCodesLeft} onCodes={setCodes} /> : null}
      {recentlyAuthenticated && !enabled ? <Enrol onCodes={setCodes} /> : null}
      {enabled ? <TrustedBrowsers /> : null}
    </>
  );
}
