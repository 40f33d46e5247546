// Ports of the e2e servers; `npm test` picks free ones and passes them in.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
export const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? E2E_PORT + 1);
export const MAILBOX_PORT = Number(process.env.E2E_MAILBOX_PORT ?? E2E_PORT + 2);
export const ATTACKER_PORT = Number(process.env.E2E_ATTACKER_PORT ?? E2E_PORT + 3);
export const MAILBOX_URL = `http://127.0.0.1:${MAILBOX_PORT}`;
/** A second app on the same database whose origin is a domain: browsers refuse IP addresses as WebAuthn RP IDs. */
export const PASSKEY_PORT = Number(process.env.E2E_PASSKEY_PORT ?? E2E_PORT + 4);
export const PASSKEY_ORIGIN = `http://localhost:${PASSKEY_PORT}`;
