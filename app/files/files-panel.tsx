'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert } from '@/app/_components/alert';
import { DeleteRowButton } from '@/app/_components/delete-row-button';
import { MutationForm } from '@/app/_components/mutation-form';
import { Section } from '@/app/_components/section';
import { Table } from '@/app/_components/table';
import { useTRPC, useTRPCClient } from '@/app/_trpc/provider';

export function FilesPanel() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.files.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.files.list.queryKey() });
  const remove = useMutation(trpc.files.delete.mutationOptions({ onSuccess: refresh }));

  return (
    <>
      <Section title="Upload a file" card>
        <div className="max-w-md">
          <MutationForm
            submitLabel="Upload"
            fields={[{ name: 'file', label: 'File', type: 'file', accept: 'image/png,image/jpeg,image/webp,application/pdf' }]}
            submit={async (_values, form) => {
              const uploaded = await client.files.upload.mutate(form);
              return { message: `Uploaded ${uploaded.displayName}.` };
            }}
            onSuccess={() => void refresh()}
          />
        </div>
      </Section>
      <Section title="Uploaded files">
        <div className="flex flex-col gap-3">
          <Table label="Files" columns={['Name', 'Type', 'Size']} actions empty={list.data?.length === 0 ? 'No files yet.' : undefined}>
            {list.data?.map((file) => (
              <tr key={file.id} data-testid="file-row">
                <td className="wrap-anywhere"><a href={`/api/files/${file.id}`}>{file.displayName}</a></td>
                <td>{file.mime}</td>
                <td className="whitespace-nowrap">{file.sizeBytes.toLocaleString()} B</td>
                <td className="text-right">
                  <DeleteRowButton id={file.id} deletion={remove} />
                </td>
              </tr>
            ))}
          </Table>
          <Alert tone="error" role="alert">{remove.error?.message}</Alert>
        </div>
      </Section>
    </>
  );
}
