import type { ReactNode } from 'react';

export type Tone = 'success' | 'error' | 'info';

const tones: Record<Tone, string> = {
  success: 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100',
  error: 'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100',
  info: 'border-zinc-300 bg-zinc-100 text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100',
};

/**
 * A live region that announces what it shows. It is rendered even when empty, because screen
 * readers announce changes only in regions that were already on the page. Empty, it is taken out
 * of the flow, so it adds no gap to the layout around it.
 */
export function Alert(props: { tone: Tone; role?: 'status' | 'alert'; children?: ReactNode; testId?: string }) {
  const { tone, role = 'status', children, testId } = props;
  const hasContent = children !== undefined && children !== null && children !== '' && children !== false;
  return (
    <div role={role} aria-live={role === 'alert' ? 'assertive' : 'polite'} data-tone={tone} data-testid={testId} className="empty:absolute">
      {hasContent ? <p className={`rounded-md border px-3 py-2 text-sm wrap-anywhere ${tones[tone]}`}>{children}</p> : null}
    </div>
  );
}
