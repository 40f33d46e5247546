'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPCClient } from '@/app/_trpc/provider';
import { Button } from './button';

export function SignOutButton() {
  const client = useTRPCClient();
  const router = useRouter();
  const [pending, setPending] = useState(false);

  async function signOut() {
    setPending(true);
    try {
      await client.auth.logout.mutate();
      router.push('/login');
      router.refresh();
    } finally {
      setPending(false);
    }
  }

  return <Button variant="secondary" pending={pending} onClick={() => void signOut().catch(() => undefined)} size="sm" className="ml-1">Sign out</Button>;
}
