import { compose, type Mail } from '@/server/mail/templates';

const REVIEW = 'If this was not you, reset your password at once and review the sessions on your account page.';

export function twoFactorEnabledMail(to: string, when: Date): Mail {
  return compose('two_factor_enabled', to, 'Two-factor authentication is on', [
    `Two-factor authentication was turned on for your Bastion account at ${when.toISOString()}.`,
    'Every other session was signed out. Keep your recovery codes somewhere safe.',
    REVIEW,
  ]);
}

export function twoFactorDisabledMail(to: string, when: Date): Mail {
  return compose('two_factor_disabled', to, 'Two-factor authentication is off', [
    `Two-factor authentication was turned off for your Bastion account at ${when.toISOString()}.`,
    'Every other session was signed out and no browser is trusted any more.',
    REVIEW,
  ]);
}

export function recoveryCodeUsedMail(to: string, when: Date, left: number): Mail {
  return compose('recovery_code_used', to, 'A recovery code was used', [
    `A recovery code was used to sign in to your Bastion account at ${when.toISOString()}. ${left} remain.`,
    REVIEW,
  ]);
}
