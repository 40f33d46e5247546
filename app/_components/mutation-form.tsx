'use client';

import { TRPCClientError } from '@trpc/client';
import { type FormEvent, useEffect, useState } from 'react';
import { Alert } from './alert';
import { Button } from './button';
import { Field } from './field';
import { useHydrated } from './use-hydrated';

export type FieldSpec = {
  name: string;
  label: string;
  type: 'email' | 'password' | 'text' | 'url' | 'file';
  autoComplete?: string;
  hint?: string;
  accept?: string;
  placeholder?: string;
  inputMode?: 'numeric' | 'text';
};
/** The current password, typed again with a sensitive action. */
export const CURRENT_PASSWORD_FIELD: FieldSpec = {
  name: 'currentPassword',
  label: 'Current password',
  type: 'password',
  autoComplete: 'current-password',
};
type FieldErrors = Record<string, string[] | undefined>;
type Outcome = { kind: 'success'; message: string } | { kind: 'error'; message: string; retryAt?: number; fieldErrors?: FieldErrors };

/** A failure in the browser itself (not the network, not the server) whose message is written to be shown. */
export class BrowserStepError extends Error {}

function toOutcome(error: unknown): Outcome {
  if (error instanceof BrowserStepError) return { kind: 'error', message: error.message };
  if (!(error instanceof TRPCClientError)) return { kind: 'error', message: 'Network error. Please try again.' };
  const data = (error.data ?? {}) as { retryAfterSeconds?: number; fieldErrors?: FieldErrors };
  const retryAt = data.retryAfterSeconds ? Date.now() + data.retryAfterSeconds * 1000 : undefined;
  return { kind: 'error', message: error.message, retryAt, fieldErrors: data.fieldErrors };
}

function textValues(form: FormData): Record<string, string> {
  return Object.fromEntries([...form].flatMap(([key, value]) => (typeof value === 'string' ? [[key, value]] : [])));
}

// Its own quiet region: the status around it announces the message once, not every tick.
function Countdown({ until }: { until: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((until - now) / 1000));
  const text = seconds === 0 ? ' You can try again now.' : ` Try again in ${seconds} s.`;
  return <span data-testid="retry-countdown" aria-live="off">{text}</span>;
}

/**
 * A labelled form that calls one mutation: field errors next to their fields, the button disabled
 * while the call is pending, the answer announced to screen readers. Cleared after a success.
 */
export function MutationForm(props: {
  fields: FieldSpec[];
  submitLabel: string;
  submit: (values: Record<string, string>, form: FormData) => Promise<{ message?: string } | undefined>;
  onSuccess?: () => void;
}) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  // Before hydration a click would submit natively: a GET with every field, passwords too, in the URL.
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    setBusy(true);
    try {
      const result = await props.submit(textValues(form), form);
      setOutcome({ kind: 'success', message: result?.message ?? 'Done.' });
      element.reset();
      props.onSuccess?.();
    } catch (error) {
      setOutcome(toOutcome(error));
    } finally {
      setBusy(false);
    }
  }

  const fieldErrors = outcome?.kind === 'error' ? outcome.fieldErrors : undefined;
  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4">
      {props.fields.map(({ name, ...field }) => (
        <Field key={name} name={name} required errors={fieldErrors?.[name]} {...field} />
      ))}
      <Button type="submit" pending={busy} disabled={!hydrated} className="sm:justify-self-start">{props.submitLabel}</Button>
      <Alert tone={outcome?.kind ?? 'info'}>
        {outcome ? (
          <>
            {outcome.message}
            {outcome.kind === 'error' && outcome.retryAt ? <Countdown until={outcome.retryAt} /> : null}
          </>
        ) : null}
      </Alert>
    </form>
  );
}
