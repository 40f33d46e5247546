'use client';

import { useRouter } from 'next/navigation';
import { CURRENT_PASSWORD_FIELD, MutationForm } from '@/app/_components/mutation-form';
import { Section } from '@/app/_components/section';
import { useTRPCClient } from '@/app/_trpc/provider';

/** Email change, "download my data" and deletion: the account's own life after signup. */
export function LifecyclePanel() {
  const client = useTRPCClient();
  const router = useRouter();
  return (
    <>
      <Section title="Change email address" card>
        <div className="max-w-md">
          <MutationForm
            submitLabel="Send confirmation link"
            fields={[{ name: 'newEmail', label: 'New email address', type: 'email', autoComplete: 'email' }, CURRENT_PASSWORD_FIELD]}
            submit={(values) => client.lifecycle.requestEmailChange.mutate({
              newEmail: values.newEmail ?? '',
              currentPassword: values.currentPassword ?? '',
            })}
          />
        </div>
      </Section>
      <Section title="Your data" card>
        <p>
          <a href="/api/account/export" download data-testid="export-link">Download my data</a> (JSON: your account,
          sessions, security activity, files and webhooks; no passwords, tokens or secrets).
        </p>
      </Section>
      <Section title="Delete account" card>
        <div className="max-w-md">
          <MutationForm
            submitLabel="Delete my account"
            fields={[
              { name: 'confirmEmail', label: 'Type your email address to confirm', type: 'email', autoComplete: 'off' },
              CURRENT_PASSWORD_FIELD,
            ]}
            submit={(values) => client.lifecycle.deleteAccount.mutate({
              confirmEmail: values.confirmEmail ?? '',
              currentPassword: values.currentPassword ?? '',
            })}
            onSuccess={() => router.push('/')}
          />
        </div>
      </Section>
    </>
  );
}
