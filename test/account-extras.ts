// What optional modules keep for an account, for the account-lifecycle suite: each module that
// stores rows per account gives one AccountExtra, listed in lifecycle.int.test.ts on a line of its
// own, so that a project without the module drops just that line and the suite still runs.
// Deletion must leave none of them, the export must list them without secrets.
import type { Sql } from 'postgres';
import type { TestClient } from './client';

export type AccountExtraContext = { origin: string; sql: Sql; owner: TestClient; userId: string };

export type AccountExtra = {
  /** The table holding the module's rows, by `owner_id`; also the data export's key for them. */
  table: string;
  /** Adds one row for the account; returns what the data export must never contain. */
  add(context: AccountExtraContext): Promise<string[]>;
  /** True while something the module keeps outside the database for `hidden` still exists. */
  keepsOutsideDatabase?(hidden: readonly string[]): boolean;
};
