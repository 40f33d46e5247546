'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/provider';

export function TrustedBrowsers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const browsers = useQuery(trpc.twoFactor.trustedBrowsers.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.twoFactor.trustedBrowsers.queryKey() });
  const revoke = useMutation(trpc.twoFactor.revokeTrustedBrowser.mutationOptions({ onSuccess: refresh }));
  if (!browsers.data) return <p>Loading trusted browsers…</p>;
  return (
    <section aria-labelledby="trusted-heading">
      <h3 id="trusted-heading">Trusted browsers</h3>
      {browsers.data.length === 0 ? <p className="muted">No browser skips the code step.</p> : null}
      <table aria-label="Trusted browsers">
        <thead><tr><th>Device</th><th>IP</th><th>Trusted until</th><th /></tr></thead>
        <tbody>
          {browsers.data.map((browser) => (
            <tr key={browser.id} data-testid="trusted-browser-row">
              <td>{browser.userAgent || 'unknown'}{browser.current ? <strong> (this browser)</strong> : null}</td>
              <td>{browser.ip}</td>
              <td><time dateTime={browser.expiresAt}>{new Date(browser.expiresAt).toLocaleDateString()}</time></td>
              <td>
                <button type="button" className="secondary" onClick={() => revoke.mutate({ id: browser.id })}>Revoke</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
