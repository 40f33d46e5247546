/**
 * WebAuthn's signature-counter rule: when either the stored or the received counter is non-zero,
 * the received one must be greater, or the credential may have been cloned. Authenticators that
 * do not count (synced passkeys) always send 0, which is accepted while the stored value is 0.
 */
export function signCounterAdvances(stored: number, received: number): boolean {
  if (stored === 0 && received === 0) return true;
  return received > stored;
}
