// Helpers for integration suites that need a webhook (the webhooks module's account extra).
import type { AccountExtra } from '@/test/account-extras';

/** A webhook row as registration leaves it (registration itself needs DNS, tested in its own suite). */
export const webhookExtra: AccountExtra = {
  table: 'webhooks',
  async add({ sql, userId }) {
    const secret = `sealed-secret-${userId}`;
    await sql`insert into webhooks (owner_id, url, secret) values (${userId}, 'https://hooks.example.test/in', ${secret})`;
    return [secret];
  },
};
