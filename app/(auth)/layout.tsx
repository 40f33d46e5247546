import type { ReactNode } from 'react';

/** Sign-in, sign-up and recovery pages: one narrow card, centred. */
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="mx-auto grid w-full max-w-md gap-5 rounded-xl border border-zinc-200 bg-white p-5 shadow-sm sm:p-8 dark:border-zinc-800 dark:bg-zinc-900">
      {children}
    </div>
  );
}
