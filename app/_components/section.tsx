import type { ReactNode } from 'react';

/** A titled block of a page; `card` puts its content on a raised surface. */
export function Section({ title, card = false, children }: { title: string; card?: boolean; children: ReactNode }) {
  const surface = card ? 'rounded-lg border border-zinc-200 bg-white p-4 sm:p-6 dark:border-zinc-800 dark:bg-zinc-900' : '';
  return (
    <section className="flex flex-col gap-3">
      <h2>{title}</h2>
      <div className={surface}>{children}</div>
    </section>
  );
}

/** A page's title and what the page is for. */
export function PageIntro({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="flex flex-col gap-2">
      <h1>{title}</h1>
      {children ? <div className="muted max-w-prose">{children}</div> : null}
    </div>
  );
}
