// `npm run db:migrate`: apply pending migrations (idempotent) to DATABASE_URL, or to the
// embedded database under DATA_DIR when DATABASE_URL is not set.
import { migrateDatabase } from '../db/migrate';
import { configOrExit } from './boot';
import { useEmbeddedPostgresIfNeeded } from './embedded';

const embedded = await useEmbeddedPostgresIfNeeded(configOrExit());
const { databaseUrl } = configOrExit();
if (!databaseUrl) throw new Error('DATABASE_URL is required');
await migrateDatabase(databaseUrl);
await embedded?.stop();
console.log('Migrations applied.');
