'use client';

import { useEffect, useState } from 'react';

// Browser only: the token of this page load, so that it survives the page re-rendering once the
// address bar no longer has it (Next refetches the page after replaceState in development).
// Never written during server rendering, where module state would be shared between visitors.
let rememberedToken: { path: string; token: string } | undefined;

/**
 * Keeps a one-time token in memory and removes it from the address bar and history, so it is
 * not left in the browser history, bookmarks or screenshots. (The page also sends
 * Referrer-Policy: no-referrer and loads nothing from third parties.)
 */
export function useTokenFromUrl(initial: string): string {
  const [token] = useState(() => {
    if (typeof window === 'undefined') return initial;
    const path = window.location.pathname;
    if (initial) rememberedToken = { path, token: initial };
    return initial || (rememberedToken?.path === path ? rememberedToken.token : '');
  });
  useEffect(() => {
    const url = new URL(window.location.href);
    if (!url.searchParams.has('token')) return;
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search);
  }, []);
  return token;
}
