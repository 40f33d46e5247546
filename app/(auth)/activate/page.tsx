import type { Metadata } from 'next';
import { ActivateForm, ResendActivationForm } from './activate-form';

export const metadata: Metadata = { title: 'Activate your account', referrer: 'no-referrer' };

// The link only opens this page; activation needs a click (a POST), so mail scanners that
// follow links cannot use up the token.
export default async function ActivatePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <>
      <h1>Activate your account</h1>
      {/* Rendered even without a token: the form keeps the token after it leaves the address bar. */}
      <ActivateForm token={typeof token === 'string' ? token : ''}>
        <p>Open the link from your activation email, or ask for a new one below.</p>
      </ActivateForm>
      <h2>Need a new link?</h2>
      <ResendActivationForm />
    </>
  );
}
