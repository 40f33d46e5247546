import { describe, expect, it } from 'vitest';
import { smtpOptions } from './index';

describe('smtpOptions', () => {
  it('takes host, port, TLS and credentials from the URL, decoding them', () => {
    expect(smtpOptions('smtps://mailer%40example.com:p%3Ass@smtp.example.com:2465')).toEqual({
      host: 'smtp.example.com',
      port: 2465,
      secure: true,
      auth: { user: 'mailer@example.com', pass: 'p:ss' },
    });
  });

  it('uses the submission ports by default and no credentials when none are given', () => {
    expect(smtpOptions('smtp://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 587, secure: false });
    expect(smtpOptions('smtps://[::1]')).toEqual({ host: '::1', port: 465, secure: true });
  });
});
