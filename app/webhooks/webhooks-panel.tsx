'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { Alert } from '@/app/_components/alert';
import { Button } from '@/app/_components/button';
import { DeleteRowButton } from '@/app/_components/delete-row-button';
import { MutationForm } from '@/app/_components/mutation-form';
import { Section } from '@/app/_components/section';
import { Table } from '@/app/_components/table';
import { useTRPC, useTRPCClient } from '@/app/_trpc/provider';
import type { AppRouter } from '@/server/api/root';

type SendResult = inferRouterOutputs<AppRouter>['webhooks']['sendTest'];

function describe(sent: SendResult): string {
  return sent.ok ? `Delivered: HTTP ${sent.status}` : `Refused (${sent.reason}): ${sent.message}`;
}

export function WebhooksPanel() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.webhooks.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
  const send = useMutation(trpc.webhooks.sendTest.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.webhooks.delete.mutationOptions({ onSuccess: refresh }));
  const sent = send.data;

  return (
    <>
      <Section title="Register a webhook" card>
        <div className="max-w-md">
          <MutationForm
            submitLabel="Register"
            fields={[{ name: 'url', label: 'Webhook URL', type: 'url', placeholder: 'https://example.com/hooks/bastion' }]}
            submit={async (values) => {
              const registered = await client.webhooks.register.mutate({ url: values.url ?? '' });
              return { message: `Registered. Signing secret (shown once): ${registered.secret}` };
            }}
            onSuccess={() => void refresh()}
          />
        </div>
      </Section>
      <Section title="Your webhooks">
        <div className="flex flex-col gap-3">
          <Table label="Webhooks" columns={['URL', 'Last result']} actions empty={list.data?.length === 0 ? 'No webhooks yet.' : undefined}>
            {list.data?.map((hook) => (
              <tr key={hook.id} data-testid="webhook-row">
                <td className="min-w-48 wrap-anywhere">{hook.url}</td>
                <td>{hook.lastStatus ?? '—'}</td>
                <td>
                  <div className="flex justify-end gap-2">
                    <Button size="sm" pending={send.isPending && send.variables?.id === hook.id} onClick={() => send.mutate({ id: hook.id })}>
                      Send test event
                    </Button>
                    <DeleteRowButton id={hook.id} deletion={remove} />
                  </div>
                </td>
              </tr>
            ))}
          </Table>
          <Alert tone={send.error || (sent && !sent.ok) ? 'error' : 'success'} testId="send-result">
            {send.error?.message ?? (sent ? describe(sent) : null)}
          </Alert>
          <Alert tone="error" role="alert">{remove.error?.message}</Alert>
        </div>
      </Section>
    </>
  );
}
