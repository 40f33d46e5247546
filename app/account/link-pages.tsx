'use client';

import Link from 'next/link';
import { LinkActionForm } from '@/app/_components/link-action-form';
import { useTRPCClient } from '@/app/_trpc/provider';

const MISSING = <p className="muted">This page needs the link from your email.</p>;

export function ConfirmEmailForm({ token }: { token: string }) {
  const client = useTRPCClient();
  const act = (kept: string) => client.lifecycle.confirmEmailChange.mutate({ token: kept });
  return (
    <LinkActionForm token={token} submitLabel="Use this address" act={act} done={<p><Link href="/account">Your account</Link></p>}>
      {MISSING}
    </LinkActionForm>
  );
}

export function UndoEmailForm({ token }: { token: string }) {
  const client = useTRPCClient();
  const act = (kept: string) => client.lifecycle.undoEmailChange.mutate({ token: kept });
  const done = <p><Link href="/forgot-password">Choose a new password</Link></p>;
  return (
    <LinkActionForm token={token} submitLabel="Restore my address" act={act} done={done}>
      {MISSING}
    </LinkActionForm>
  );
}

export function UnlockForm({ token }: { token: string }) {
  const client = useTRPCClient();
  const act = (kept: string) => client.lifecycle.unlock.mutate({ token: kept });
  return (
    <LinkActionForm token={token} submitLabel="Let this browser sign in" act={act} done={<p><Link href="/login">Sign in</Link></p>}>
      {MISSING}
    </LinkActionForm>
  );
}
