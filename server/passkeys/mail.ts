import { compose, type Mail } from '@/server/mail/templates';

const REVIEW = 'If this was not you, reset your password at once and review the passkeys and sessions on your account page.';

export function passkeyAddedMail(to: string, name: string, when: Date): Mail {
  return compose('passkey_added', to, 'A passkey was added to your account', [
    `A passkey named "${name}" was added to your Bastion account at ${when.toISOString()}. It can sign in without a password.`,
    REVIEW,
  ]);
}

export function passkeyRemovedMail(to: string, name: string, when: Date): Mail {
  return compose('passkey_removed', to, 'A passkey was removed from your account', [
    `The passkey named "${name}" was removed from your Bastion account at ${when.toISOString()}.`,
    REVIEW,
  ]);
}
