'use client';

import { TRPCClientError } from '@trpc/client';

/** A message safe to show for a failed passkey ceremony: the server's own, or why the browser stopped. */
export function passkeyErrorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message;
  if (error instanceof Error && error.name === 'AbortError') return '';
  return 'The passkey prompt was closed or is not available on this device.';
}
