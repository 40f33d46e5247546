'use client';

import { TRPCClientError } from '@trpc/client';
import { type FormEvent, useEffect, useState } from 'react';

export type FieldSpec = {
  name: string;
  label: string;
  type: 'email' | 'password' | 'text';
  autoComplete?: string;
  hint?: string;
  inputMode?: 'numeric' | 'text';
};
type Outcome = { kind: 'success'; message: string } | { kind: 'error'; message: string; retryAt?: number; fieldErrors?: Record<string, string[] | undefined> };

function toOutcome(error: unknown): Outcome {
  if (!(error instanceof TRPCClientError)) return { kind: 'error', message: 'Network error. Please try again.' };
  const data = (error.data ?? {}) as { retryAfterSeconds?: number; fieldErrors?: Record<string, string[] | undefined> };
  const retryAt = data.retryAfterSeconds ? Date.now() + data.retryAfterSeconds * 1000 : undefined;
  return { kind: 'error', message: error.message, retryAt, fieldErrors: data.fieldErrors };
}

function Countdown({ until }: { until: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((until - now) / 1000));
  if (seconds === 0) return <span data-testid="retry-countdown"> You can try again now.</span>;
  return <span data-testid="retry-countdown"> Try again in {seconds} s.</span>;
}

/** A plain, labelled form that calls one mutation and shows its answer or its error. */
export function MutationForm(props: {
  fields: FieldSpec[];
  submitLabel: string;
  submit: (values: Record<string, string>) => Promise<{ message?: string } | undefined>;
  onSuccess?: () => void;
}) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = Object.fromEntries([...new FormData(event.currentTarget)].map(([key, value]) => [key, String(value)]));
    setBusy(true);
    try {
      const result = await props.submit(values);
      setOutcome({ kind: 'success', message: result?.message ?? 'Done.' });
      props.onSuccess?.();
    } catch (error) {
      setOutcome(toOutcome(error));
    } finally {
      setBusy(false);
    }
  }

  const fieldErrors = outcome?.kind === 'error' ? outcome.fieldErrors : undefined;
  return (
    <form onSubmit={onSubmit} noValidate>
      {props.fields.map((field) => (
        <label key={field.name}>
          {field.label}
          <input
            name={field.name}
            type={field.type}
            autoComplete={field.autoComplete}
            inputMode={field.inputMode}
            required
            aria-invalid={Boolean(fieldErrors?.[field.name])}
            aria-describedby={field.hint ? `${field.name}-hint` : undefined}
          />
          {field.hint ? <small id={`${field.name}-hint`} className="muted">{field.hint}</small> : null}
          {fieldErrors?.[field.name]?.map((message) => <small key={message} className="error">{message}</small>)}
        </label>
      ))}
      <button type="submit" disabled={busy}>{busy ? 'Please wait…' : props.submitLabel}</button>
      <p role="status" aria-live="polite" className={outcome?.kind === 'error' ? 'error' : 'success'}>
        {outcome?.message}
        {outcome?.kind === 'error' && outcome.retryAt ? <Countdown until={outcome.retryAt} /> : null}
      </p>
    </form>
  );
}
