import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { PageIntro } from '@/app/_components/section';
import { getServerCaller } from '@/app/_trpc/server';
import { FilesPanel } from './files-panel';

export const metadata: Metadata = { title: 'Files' };

export default async function FilesPage() {
  if (!(await (await getServerCaller()).auth.me())) redirect('/login');
  return (
    <>
      <PageIntro title="Your files">
        <p>
          PNG, JPEG, WebP or PDF. The type is read from the file&apos;s bytes, not its name. Only you can see or
          download your files.
        </p>
      </PageIntro>
      <FilesPanel />
    </>
  );
}
