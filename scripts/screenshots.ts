// `npm run screenshots`: after `next build`, starts the app the way the e2e suite does, signs a new
// user up and in, and writes PNGs of the main pages (light and dark, 390 and 1280 px wide) into
// screenshots/.
import { spawnSync } from 'node:child_process';
import { freeE2ePorts } from '../test/services';

const result = spawnSync('node_modules/.bin/playwright', ['test', '--config', 'e2e/screenshots.config.ts'], {
  stdio: 'inherit',
  env: { ...process.env, ...(await freeE2ePorts()) },
});
process.exit(result.status ?? 1);
