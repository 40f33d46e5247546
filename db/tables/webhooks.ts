import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { users } from './core';

export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** The signing secret, sealed with ENCRYPTION_KEY (server/webhooks/service.ts); shown to the owner once. */
    secret: text('secret').notNull(),
    lastStatus: text('last_status'),
    lastTestedAt: timestamp('last_tested_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('webhooks_owner_idx').on(t.ownerId, t.createdAt)],
);
