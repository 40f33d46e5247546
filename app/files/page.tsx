import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getServerCaller } from '@/app/_trpc/server';
import { FilesPanel } from './files-panel';

export const metadata: Metadata = { title: 'Files' };

export default async function FilesPage() {
  if (!(await (await getServerCaller()).auth.me())) redirect('/login');
  return (
    <>
      <h1>Your files</h1>
      <p className="muted">PNG, JPEG, WebP or PDF. The type is read from the file&apos;s bytes, not its name. Only you can see or download your files.</p>
      <FilesPanel />
    </>
  );
}
