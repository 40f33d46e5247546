// Every table, re-exported from one place for drizzle-kit, the db client and the app. Each optional
// module's tables are one file of db/tables/, so that leaving the module out deletes that file and its line.
export * from './tables/core';
export * from './tables/files';
export * from './tables/webhooks';
export * from './tables/two-factor';
export * from './tables/passkeys';
export * from './tables/account-lifecycle';
