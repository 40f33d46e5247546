// `npm run dev`: the development server. Needs no other service: without DATABASE_URL it
// starts embedded Postgres; without REDIS_URL throttles use Postgres; without SMTP_URL mail
// goes to the outbox shown at /dev/mailbox.
import { boot, configOrExit } from './boot';
import { useEmbeddedPostgresIfNeeded } from './embedded';

const embedded = await useEmbeddedPostgresIfNeeded(configOrExit());
await boot({ dev: true, onShutdown: () => embedded?.stop() ?? Promise.resolve() });
