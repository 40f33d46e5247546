import type { Metadata } from 'next';
import { ForgotPasswordForm } from './forgot-password-form';

export const metadata: Metadata = { title: 'Forgot password' };

export default function ForgotPasswordPage() {
  return (
    <>
      <h1>Forgot your password?</h1>
      <p className="muted">Enter your email. If it belongs to an account, we will send a link that works once, for one hour.</p>
      <ForgotPasswordForm />
    </>
  );
}
