'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '@/app/_trpc/provider';

export function WebhooksPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.webhooks.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
  const register = useMutation(trpc.webhooks.register.mutationOptions({ onSuccess: refresh }));
  const send = useMutation(trpc.webhooks.sendTest.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.webhooks.delete.mutationOptions({ onSuccess: refresh }));
  const [url, setUrl] = useState('');

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    register.mutate({ url });
  }

  const sent = send.data;
  return (
    <>
      <form onSubmit={onSubmit}>
        <label>
          Webhook URL
          <input name="url" type="url" value={url} onChange={(event) => setUrl(event.target.value)} placeholder="https://example.com/hooks/bastion" required />
        </label>
        <button type="submit" disabled={register.isPending}>Register</button>
        <p role="status" className={register.error ? 'error' : 'success'}>
          {register.error?.message ?? (register.data ? `Registered. Signing secret (shown once): ${register.data.secret}` : '')}
        </p>
      </form>
      <p role="status" data-testid="send-result" className={sent && !sent.ok ? 'error' : 'success'}>
        {send.error?.message ?? (sent ? (sent.ok ? `Delivered: HTTP ${sent.status}` : `Refused (${sent.reason}): ${sent.message}`) : '')}
      </p>
      <table aria-label="Webhooks">
        <thead><tr><th>URL</th><th>Last result</th><th /></tr></thead>
        <tbody>
          {list.data?.map((hook) => (
            <tr key={hook.id} data-testid="webhook-row">
              <td>{hook.url}</td>
              <td>{hook.lastStatus ?? '—'}</td>
              <td>
                <button type="button" onClick={() => send.mutate({ id: hook.id })}>Send test event</button>{' '}
                <button type="button" className="secondary" onClick={() => remove.mutate({ id: hook.id })}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
