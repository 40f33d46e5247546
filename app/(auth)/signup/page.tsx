import type { Metadata } from 'next';
import Link from 'next/link';
import { SignupForm } from './signup-form';

export const metadata: Metadata = { title: 'Sign up' };

export default function SignupPage() {
  return (
    <>
      <h1>Create an account</h1>
      <SignupForm />
      <p className="muted">
        Already have one? <Link href="/login">Sign in</Link>.
        Lost the activation mail? Sign up again with the same address.
      </p>
    </>
  );
}
