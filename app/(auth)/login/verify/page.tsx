import type { Metadata } from 'next';
import Link from 'next/link';
import { VerifyForm } from './verify-form';

export const metadata: Metadata = { title: 'Enter your code' };

export default function VerifyPage() {
  return (
    <>
      <h1>Enter your code</h1>
      <p>Open your authenticator app and enter the 6-digit code it shows for Bastion, or use one of your passkeys.</p>
      <VerifyForm />
      <p className="muted">
        This step expires 10 minutes after your password. <Link href="/login">Start again</Link>
      </p>
    </>
  );
}
