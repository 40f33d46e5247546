import type { ReactNode } from 'react';

type TableProps = { label: string; columns: string[]; actions?: boolean; empty?: string; children: ReactNode };

/**
 * A labelled table that scrolls sideways inside its card on narrow screens, never the page.
 * `empty` replaces its rows.
 */
export function Table({ label, columns, actions = false, empty, children }: TableProps) {
  return (
    <div className="relative overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <table aria-label={label} className="w-full text-sm">
        <thead>
          <tr>
            {columns.map((column) => <th key={column} scope="col">{column}</th>)}
            {actions ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
          </tr>
        </thead>
        <tbody>
          {empty ? <tr data-testid="table-empty"><td colSpan={columns.length + (actions ? 1 : 0)} className="muted py-6 text-center">{empty}</td></tr> : children}
        </tbody>
      </table>
    </div>
  );
}
