'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { MutationForm } from '@/app/_components/mutation-form';
import { useTRPC, useTRPCClient } from '@/app/_trpc/provider';
import { TwoFactorPanel } from './two-factor-panel';

function Sessions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.account.sessions.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.account.sessions.queryKey() });
  const revoke = useMutation(trpc.account.revokeSession.mutationOptions({ onSuccess: refresh }));
  const revokeOthers = useMutation(trpc.account.revokeOtherSessions.mutationOptions({ onSuccess: refresh }));

  if (sessions.error) return <p className="error">{sessions.error.message}</p>;
  if (!sessions.data) return <p>Loading sessions…</p>;
  return (
    <>
      <table aria-label="Sessions">
        <thead>
          <tr><th>Device</th><th>IP</th><th>Last seen</th><th /></tr>
        </thead>
        <tbody>
          {sessions.data.map((session) => (
            <tr key={session.id} data-testid="session-row">
              <td>{session.userAgent || 'unknown'}{session.current ? <strong> (this browser)</strong> : null}</td>
              <td>{session.ip}</td>
              <td><time dateTime={session.lastSeenAt}>{new Date(session.lastSeenAt).toLocaleString()}</time></td>
              <td>
                {session.current ? null : (
                  <button type="button" className="secondary" onClick={() => revoke.mutate({ id: session.id })}>Revoke</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <button type="button" className="secondary" onClick={() => revokeOthers.mutate()}>Sign out all other sessions</button>
      </p>
    </>
  );
}

function Activity() {
  const trpc = useTRPC();
  const activity = useQuery(trpc.account.activity.queryOptions());
  if (!activity.data) return <p>Loading activity…</p>;
  return (
    <table aria-label="Security activity">
      <thead><tr><th>Event</th><th>IP</th><th>When</th></tr></thead>
      <tbody>
        {activity.data.map((event) => (
          <tr key={event.id}>
            <td>{event.event.replaceAll('_', ' ')}</td>
            <td>{event.ip}</td>
            <td><time dateTime={event.createdAt}>{new Date(event.createdAt).toLocaleString()}</time></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AccountPanel() {
  const client = useTRPCClient();
  const router = useRouter();
  return (
    <>
      <p>
        <button
          type="button"
          onClick={async () => {
            await client.auth.logout.mutate();
            router.push('/login');
            router.refresh();
          }}
        >
          Sign out
        </button>
      </p>
      <h2>Sessions</h2>
      <Sessions />
      <h2>Two-factor authentication</h2>
      <TwoFactorPanel />
      <h2>Change password</h2>
      <MutationForm
        submitLabel="Change password"
        fields={[
          { name: 'currentPassword', label: 'Current password', type: 'password', autoComplete: 'current-password' },
          { name: 'newPassword', label: 'New password', type: 'password', autoComplete: 'new-password', hint: 'At least 12 characters.' },
        ]}
        submit={(values) => client.account.changePassword.mutate({ currentPassword: values.currentPassword ?? '', newPassword: values.newPassword ?? '' })}
      />
      <h2>Recent security activity</h2>
      <Activity />
    </>
  );
}
