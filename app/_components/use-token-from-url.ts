'use client';

import { useEffect, useState } from 'react';

/**
 * Keeps a one-time token in memory and removes it from the address bar and history, so it is
 * not left in the browser history, bookmarks or screenshots. (The page also sends
 * Referrer-Policy: no-referrer and loads nothing from third parties.)
 */
export function useTokenFromUrl(initial: string): string {
  const [token] = useState(initial);
  useEffect(() => {
    const url = new URL(window.location.href);
    if (!url.searchParams.has('token')) return;
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search);
  }, []);
  return token;
}
