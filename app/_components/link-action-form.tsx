'use client';

import { type ReactNode, useState } from 'react';
import { MutationForm } from './mutation-form';
import { useTokenFromUrl } from './use-token-from-url';

type Props = {
  token: string;
  submitLabel: string;
  act: (token: string) => Promise<{ message?: string }>;
  /** Shown when the page was opened without a token. */
  children: ReactNode;
  /** Shown once the action succeeded. */
  done?: ReactNode;
};

/**
 * The one button of a page an emailed link opens. The link only opens the page; the action is a
 * POST, so mail scanners that follow links cannot use up the token.
 */
export function LinkActionForm({ token, submitLabel, act, children, done }: Props) {
  const kept = useTokenFromUrl(token);
  const [succeeded, setSucceeded] = useState(false);
  if (!kept) return children;
  return (
    <>
      <MutationForm
        submitLabel={submitLabel}
        fields={[]}
        submit={() => act(kept)}
        onSuccess={() => setSucceeded(true)}
      />
      {succeeded ? done : null}
    </>
  );
}
