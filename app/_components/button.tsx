import type { ButtonHTMLAttributes } from 'react';

const variants = {
  primary: 'bg-indigo-600 text-white shadow-xs hover:bg-indigo-700',
  secondary: [
    'border border-zinc-300 bg-white text-zinc-900 shadow-xs hover:bg-zinc-100',
    'dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800',
  ].join(' '),
  danger: [
    'border border-red-300 bg-white text-red-700 hover:bg-red-50',
    'dark:border-red-800 dark:bg-zinc-900 dark:text-red-300 dark:hover:bg-red-950',
  ].join(' '),
};

const sizes = { md: 'px-4 py-2', sm: 'px-3 py-1.5' };

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: keyof typeof variants;
  size?: keyof typeof sizes;
  pending?: boolean;
};

/** A button that is disabled, and says it is busy, while its action is pending. */
export function Button({ variant = 'primary', size = 'md', pending = false, disabled, className = '', children, ...button }: ButtonProps) {
  return (
    <button
      type="button"
      {...button}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      className={[
        'inline-flex items-center justify-center gap-2 rounded-md text-sm font-medium whitespace-nowrap',
        sizes[size],
        'transition-colors disabled:cursor-not-allowed disabled:opacity-60',
        variants[variant],
        className,
      ].join(' ')}
    >
      {pending ? <span aria-hidden className="size-4 animate-spin rounded-full border-2 border-current border-t-transparent" /> : null}
      {children}
    </button>
  );
}
