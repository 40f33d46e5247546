'use client';

import { startRegistration } from '@simplewebauthn/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '@/app/_components/alert';
import { Button } from '@/app/_components/button';
import { DeleteRowButton } from '@/app/_components/delete-row-button';
import { BrowserStepError, MutationForm } from '@/app/_components/mutation-form';
import { passkeyErrorMessage } from '@/app/_components/passkey-ceremony';
import { Table } from '@/app/_components/table';
import { When } from '@/app/_components/when';
import { useTRPC, useTRPCClient } from '@/app/_trpc/provider';

const NAME_FIELD = { name: 'name', label: 'Passkey name', type: 'text', autoComplete: 'off' } as const;

function useRefreshPasskeys() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.passkeys.list.queryKey() });
}

function AddPasskey() {
  const client = useTRPCClient();
  const refresh = useRefreshPasskeys();
  return (
    <MutationForm
      submitLabel="Add a passkey"
      fields={[{ ...NAME_FIELD, hint: 'So you can tell it apart, e.g. "Work laptop".' }]}
      submit={async (values) => {
        const optionsJSON = await client.passkeys.registrationOptions.mutate();
        const response = await startRegistration({ optionsJSON }).catch((failure: unknown) => {
          throw new BrowserStepError(passkeyErrorMessage(failure) || 'The passkey prompt was closed.');
        });
        return client.passkeys.register.mutate({ response, name: values.name ?? '' });
      }}
      onSuccess={() => void refresh()}
    />
  );
}

function Rename({ id, onDone }: { id: string; onDone: () => void }) {
  const client = useTRPCClient();
  const refresh = useRefreshPasskeys();
  return (
    <MutationForm
      submitLabel="Save name"
      fields={[NAME_FIELD]}
      submit={(values) => client.passkeys.rename.mutate({ id, name: values.name ?? '' })}
      onSuccess={() => {
        void refresh();
        onDone();
      }}
    />
  );
}

export function PasskeysPanel() {
  const trpc = useTRPC();
  const refresh = useRefreshPasskeys();
  const passkeys = useQuery(trpc.passkeys.list.queryOptions());
  const remove = useMutation(trpc.passkeys.delete.mutationOptions({ onSuccess: () => void refresh() }));
  const [renaming, setRenaming] = useState<string | null>(null);
  if (passkeys.error) return <Alert tone="error" role="alert">{passkeys.error.message}</Alert>;
  if (!passkeys.data) return <p className="muted">Loading passkeys…</p>;
  return (
    <div className="flex flex-col gap-4">
      <p className="muted">
        A passkey signs you in without a password, and counts as both factors. Adding or removing one needs you to
        have confirmed it&apos;s you within the last 10 minutes.
      </p>
      <Table
        label="Passkeys"
        columns={['Name', 'Created', 'Last used', 'Synced']}
        actions
        empty={passkeys.data.length === 0 ? 'No passkeys yet.' : undefined}
      >
        {passkeys.data.map((passkey) => (
          <tr key={passkey.id} data-testid="passkey-row">
            <td className="wrap-anywhere">{passkey.name}</td>
            <td><When at={passkey.createdAt} /></td>
            <td>{passkey.lastUsedAt ? <When at={passkey.lastUsedAt} /> : 'never'}</td>
            <td>{passkey.backedUp ? 'yes' : 'no'}</td>
            <td className="flex justify-end gap-2">
              <Button variant="secondary" size="sm" onClick={() => setRenaming(passkey.id)}>Rename</Button>
              <DeleteRowButton id={passkey.id} deletion={remove} />
            </td>
          </tr>
        ))}
      </Table>
      <Alert tone="error" role="alert">{remove.error?.message}</Alert>
      {renaming ? <Rename id={renaming} onDone={() => setRenaming(null)} /> : null}
      <div className="max-w-md"><AddPasskey /></div>
    </div>
  );
}
