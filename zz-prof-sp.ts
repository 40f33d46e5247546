import { setTimeout as sleep } from 'node:timers/promises';
import { migrateDatabase } from './db/migrate';
import { redisServerBin, startRedisServer, startThrowawayPostgres } from './test/services';
import { startApp } from './test/app';
import { load, processCpuMs } from './bench/load';
const database = await startThrowawayPostgres();
const redis = await startRedisServer(redisServerBin()!);
await migrateDatabase(database.url);
const paths = (process.argv[2] ?? '/robots.txt,/api/health').split(',');
const seconds = Number(process.argv[3] ?? 8);
const env = (name: string) => ({ DATABASE_URL: database.url, REDIS_URL: redis.url, API_RATE_LIMIT_PER_MINUTE: '100000000', LOG_LEVEL: 'error', NODE_OPTIONS: '--require /tmp/prof2/hook.cjs', PROF_OUT: `/tmp/prof2/${name}` });
const apps = {
  bastion: await startApp(env('sp'), undefined, '/tmp/bb/same-process'),
  
};
try {
  for (const path of paths) {
    for (const app of Object.values(apps)) await load(`${app.origin}${path}`, { duration: 3 });
    for (const [name, app, headers] of [['bastion', apps.bastion, {}], ['pass', apps.bastion, { 'x-bench-pass-through': '1' }], ['bastion', apps.bastion, {}], ['pass', apps.bastion, { 'x-bench-pass-through': '1' }]] as const) {
      const pid = app.child.pid!;
      process.kill(pid, 'SIGUSR2');
      await sleep(300);
      const before = await processCpuMs(pid);
      const figures = await load(`${app.origin}${path}`, { duration: seconds, headers });
      const cpu = (await processCpuMs(pid)) - before;
      process.kill(pid, 'SIGUSR2');
      await sleep(1500);
      console.log(path, name, figures.rps, 'req/s', (cpu * 1000 / figures.requests).toFixed(0), 'µs CPU/request', figures.non2xx, 'non-2xx');
    }
  }
} finally {
  for (const app of Object.values(apps)) await app.stop();
  await redis.stop();
  await database.stop();
}
