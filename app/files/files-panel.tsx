'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '@/app/_trpc/provider';

export function FilesPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.files.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.files.list.queryKey() });
  const upload = useMutation(trpc.files.upload.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.files.delete.mutationOptions({ onSuccess: refresh }));
  const [formKey, setFormKey] = useState(0);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    upload.mutate(new FormData(event.currentTarget), { onSuccess: () => setFormKey((key) => key + 1) });
  }

  return (
    <>
      <form key={formKey} onSubmit={onSubmit}>
        <label>
          File
          <input name="file" type="file" accept="image/png,image/jpeg,image/webp,application/pdf" required />
        </label>
        <button type="submit" disabled={upload.isPending}>{upload.isPending ? 'Uploading…' : 'Upload'}</button>
        <p role="status" className={upload.error ? 'error' : 'success'}>
          {upload.error?.message ?? (upload.data ? `Uploaded ${upload.data.displayName}.` : '')}
        </p>
      </form>
      <table aria-label="Files">
        <thead><tr><th>Name</th><th>Type</th><th>Size</th><th /></tr></thead>
        <tbody>
          {list.data?.map((file) => (
            <tr key={file.id} data-testid="file-row">
              <td><a href={`/api/files/${file.id}`}>{file.displayName}</a></td>
              <td>{file.mime}</td>
              <td>{file.sizeBytes.toLocaleString()} B</td>
              <td><button type="button" className="secondary" onClick={() => remove.mutate({ id: file.id })}>Delete</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.length === 0 ? <p>No files yet.</p> : null}
    </>
  );
}
