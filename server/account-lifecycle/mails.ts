// The mails of the account lifecycle. Links are built from APP_ORIGIN by the caller.
import { compose, type Mail } from '@/server/mail/templates';

export function emailChangeConfirmMail(to: string, link: string): Mail {
  return compose(
    'email_change_confirm',
    to,
    'Confirm your new Bastion address',
    [
      'Someone signed in to a Bastion account asked to use this address for it. Follow the link to confirm.',
      'The link works once and expires in 1 hour. If it was not you, ignore this message: nothing changes.',
    ],
    { href: link, label: 'Use this address' },
  );
}

export function emailChangeTakenMail(to: string): Mail {
  return compose('email_change_taken', to, 'Someone tried to use your address', [
    'Someone signed in to another Bastion account tried to move it to this address, which already has an account.',
    'Nothing changed: your account and its address are yours. No action is needed.',
  ]);
}

export function emailChangedMail(to: string, newEmail: string, undoLink: string): Mail {
  return compose(
    'email_changed',
    to,
    'The address of your Bastion account was changed',
    [
      `The address of your account was changed to ${newEmail}. Mail about the account now goes there.`,
      'If it was not you, follow the link within 7 days: it restores this address and signs out every session.',
    ],
    { href: undoLink, label: 'Undo the change' },
  );
}

export function emailChangeUndoneMail(to: string): Mail {
  return compose('email_change_undone', to, 'Your Bastion address was restored', [
    'The address of your account is this one again, and every session was signed out.',
    'If someone else changed it, they knew your password: choose a new one with "Forgot password".',
  ]);
}

export function accountDeletedMail(to: string, when: Date): Mail {
  return compose('account_deleted', to, 'Your Bastion account was deleted', [
    `Your account and everything in it were deleted at ${when.toISOString()}.`,
    'You can sign up again with this address at any time.',
  ]);
}

export type SignInPlace = { when: Date; ip: string; browser: string };

export function newDeviceMail(to: string, place: SignInPlace, sessionsLink: string): Mail {
  return compose(
    'new_device',
    to,
    'New sign-in to your Bastion account',
    [
      `Your account was signed in to from a browser it had not been used from before, at ${place.when.toISOString()}.`,
      `From: ${place.ip}, ${place.browser}.`,
      'If it was you, there is nothing to do. If not, sign that session out and change your password.',
    ],
    { href: sessionsLink, label: 'Review your sessions' },
  );
}

export function unlockMail(to: string, link: string, minutes: number): Mail {
  return compose(
    'account_unlock',
    to,
    'Your Bastion account was locked',
    [
      'Too many wrong passwords were tried for your account, so sign-in is paused for everyone.',
      `Follow the link to sign in from your own browser anyway. It works once, for ${minutes} minutes, while the lock lasts.`,
      'If you were not trying to sign in, someone else was: your account stays locked for them.',
    ],
    { href: link, label: 'Sign in from this browser' },
  );
}
