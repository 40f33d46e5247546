// Mail templates: each has a text and an HTML part. Every value is escaped in the HTML part;
// links are built by the caller from APP_ORIGIN, never from the request's Host header.

/** A link in a mail on `origin` (APP_ORIGIN, never the request's Host), with its one-time token if any. */
export function mailLink(origin: string, path: string, token?: string): string {
  const url = new URL(path, origin);
  if (token) url.searchParams.set('token', token);
  return url.toString();
}

export type MailKind =
  | 'activation'
  | 'already_registered'
  | 'password_reset'
  | 'password_changed'
  | 'two_factor_enabled'
  | 'two_factor_disabled'
  | 'recovery_code_used'
  | 'email_change_confirm'
  | 'email_change_taken'
  | 'email_changed'
  | 'email_change_undone'
  | 'account_deleted'
  | 'new_device'
  | 'account_unlock'
  | 'passkey_added'
  | 'passkey_removed';
export type Mail = { kind: MailKind; to: string; subject: string; text: string; html: string };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

export function compose(
  kind: MailKind,
  to: string,
  subject: string,
  paragraphs: string[],
  link?: { href: string; label: string },
): Mail {
  const text = [...paragraphs, ...(link ? [`${link.label}: ${link.href}`] : []), '— Bastion'].join('\n\n');
  const body = paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n');
  const button = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : '';
  const html = `<!doctype html><html><body>${body}\n${button}\n<p>— Bastion</p></body></html>`;
  return { kind, to, subject, text, html };
}

export function activationMail(to: string, link: string): Mail {
  return compose(
    'activation',
    to,
    'Activate your Bastion account',
    [
      'Welcome! Follow the link to choose your password and finish creating your account.',
      'The link works once and expires in 24 hours. If you did not sign up, ignore this message: no account is created.',
    ],
    { href: link, label: 'Choose your password' },
  );
}

export function alreadyRegisteredMail(to: string, loginLink: string, resetLink: string): Mail {
  return compose('already_registered', to, 'Someone tried to sign up with your address', [
    'Someone (maybe you) tried to create a Bastion account with this address, which already has one. No new account was created.',
    `If it was you, sign in at ${loginLink} or reset your password at ${resetLink}.`,
    'If it was not you, you can ignore this message: your account is unchanged.',
  ]);
}

export function passwordResetMail(to: string, link: string): Mail {
  return compose(
    'password_reset',
    to,
    'Reset your Bastion password',
    ['Someone asked to reset the password of this account. The link works once and expires in 1 hour.', 'If it was not you, ignore this message: your password stays unchanged.'],
    { href: link, label: 'Choose a new password' },
  );
}

export function passwordChangedMail(to: string, when: Date): Mail {
  return compose('password_changed', to, 'Your Bastion password was changed', [
    `The password of your account was changed at ${when.toISOString()}. Every other session was signed out.`,
    'If this was not you, reset your password at once and review the sessions on your account page.',
  ]);
}
