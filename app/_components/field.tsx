import { type InputHTMLAttributes, useId } from 'react';

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name'> & {
  name: string;
  label: string;
  hint?: string;
  errors?: string[];
};

const inputStyle = [
  'block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-base shadow-xs sm:text-sm',
  'placeholder:text-zinc-500 dark:border-zinc-700 dark:bg-zinc-900 dark:placeholder:text-zinc-400',
  'aria-invalid:border-red-600 dark:aria-invalid:border-red-400',
  'file:mr-3 file:rounded file:border-0 file:bg-zinc-100 file:px-3 file:py-1 file:text-sm file:font-medium',
  'file:text-zinc-900 dark:file:bg-zinc-800 dark:file:text-zinc-100',
].join(' ');

/** A labelled input; its hint and errors are read out with it, and it says when it is invalid. */
export function Field({ name, label, hint, errors = [], ...input }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors.length > 0 ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="grid gap-1.5">
      <label htmlFor={id} className="text-sm font-medium">{label}</label>
      <input
        id={id}
        name={name}
        className={inputStyle}
        aria-invalid={errorId ? true : undefined}
        aria-describedby={describedBy}
        {...input}
      />
      {hint ? <p id={hintId} className="muted text-sm">{hint}</p> : null}
      {errorId ? (
        <p id={errorId} className="text-sm text-red-700 dark:text-red-300">{errors.join(' ')}</p>
      ) : null}
    </div>
  );
}
