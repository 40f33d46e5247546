'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert } from '@/app/_components/alert';
import { Button } from '@/app/_components/button';
import { CURRENT_PASSWORD_FIELD, MutationForm } from '@/app/_components/mutation-form';
import { Section } from '@/app/_components/section';
import { Table } from '@/app/_components/table';
import { When } from '@/app/_components/when';
import { useTRPC, useTRPCClient } from '@/app/_trpc/provider';
import { PasskeysPanel } from './passkeys-panel';
import { TwoFactorPanel } from './two-factor-panel';

function Sessions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.account.sessions.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.account.sessions.queryKey() });
  const revoke = useMutation(trpc.account.revokeSession.mutationOptions({ onSuccess: refresh }));
  const revokeOthers = useMutation(trpc.account.revokeOtherSessions.mutationOptions({ onSuccess: refresh }));

  if (sessions.error) return <Alert tone="error" role="alert">{sessions.error.message}</Alert>;
  if (!sessions.data) return <p className="muted">Loading sessions…</p>;
  return (
    <div className="flex flex-col gap-3">
      <Table label="Sessions" columns={['Device', 'IP', 'Last seen']} actions>
        {sessions.data.map((session) => (
          <tr key={session.id} data-testid="session-row">
            <td className="min-w-48 wrap-anywhere">
              {session.userAgent || 'unknown'}
              {session.current ? <strong className="font-semibold"> (this browser)</strong> : null}
            </td>
            <td>{session.ip}</td>
            <td><When at={session.lastSeenAt} /></td>
            <td className="text-right">
              {session.current ? null : (
                <Button variant="danger" size="sm" pending={revoke.isPending && revoke.variables?.id === session.id} onClick={() => revoke.mutate({ id: session.id })}>
                  Revoke
                </Button>
              )}
            </td>
          </tr>
        ))}
      </Table>
      <Alert tone="error" role="alert">{revoke.error?.message ?? revokeOthers.error?.message}</Alert>
      <Button variant="secondary" className="self-start" pending={revokeOthers.isPending} onClick={() => revokeOthers.mutate()}>
        Sign out all other sessions
      </Button>
    </div>
  );
}

function Activity() {
  const trpc = useTRPC();
  const activity = useQuery(trpc.account.activity.queryOptions());
  if (!activity.data) return <p className="muted">Loading activity…</p>;
  return (
    <Table label="Security activity" columns={['Event', 'IP', 'When']}>
      {activity.data.map((event) => (
        <tr key={event.id}>
          <td className="first-letter:uppercase">{event.event.replaceAll('_', ' ')}</td>
          <td>{event.ip}</td>
          <td><When at={event.createdAt} /></td>
        </tr>
      ))}
    </Table>
  );
}

export function AccountPanel() {
  const client = useTRPCClient();
  return (
    <>
      <Section title="Sessions">
        <Sessions />
      </Section>
      <Section title="Two-factor authentication" card>
        <TwoFactorPanel />
      </Section>
      <Section title="Passkeys" card>
        <PasskeysPanel />
      </Section>
      <Section title="Change password" card>
        <div className="max-w-md">
          <MutationForm
            submitLabel="Change password"
            fields={[
              CURRENT_PASSWORD_FIELD,
              { name: 'newPassword', label: 'New password', type: 'password', autoComplete: 'new-password', hint: 'At least 12 characters.' },
            ]}
            submit={(values) => client.account.changePassword.mutate({ currentPassword: values.currentPassword ?? '', newPassword: values.newPassword ?? '' })}
          />
        </div>
      </Section>
      <Section title="Recent security activity">
        <Activity />
      </Section>
    </>
  );
}
