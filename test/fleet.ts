// Three instances of the production build behind nginx, as a team that outgrew one machine runs
// Bastion: one Postgres, one Redis (or Cluster), nginx round-robin setting X-Real-IP, which each
// instance trusts from 127.0.0.1 only. Each test client connects from its own loopback source
// address (127.0.0.2, 127.0.0.3, …), so nginx sees distinct peers, as it would see people.
import { randomInt } from 'node:crypto';
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import { findFreePort } from './services';
import { type RunningApp, startApp } from './app';
import { type Send, TestClient } from './client';
import { type RunningNginx, startNginx } from './nginx';

type Env = Record<string, string | undefined>;

export type Fleet = {
  /** The load balancer's origin, which is every instance's APP_ORIGIN. */
  origin: string;
  /** THROTTLE_KEY_PREFIX of every instance. */
  throttleKeyPrefix: string;
  nginx: RunningNginx;
  instances: RunningApp[];
  /** A new visitor from a new source address, through nginx, or straight to one instance. */
  client(instance?: number): TestClient;
  /** The same browser (cookies, address) sending its next requests straight to another instance. */
  sameBrowserOn(client: TestClient, instance: number): TestClient;
  /** SIGTERM one instance, wait for it to exit, start it again on its port with the fleet's env. */
  restart(instance: number, env?: Env): Promise<void>;
  /** Every instance at once, with `env` on top of the fleet's; resolves once nginx serves again. */
  restartAll(env: Env): Promise<void>;
  stop(): Promise<void>;
};

// Each test file starts at its own place in 127.0.0.0/8, so files sharing the database never share an address.
let nextSource = 1 + randomInt(0, 200) * 65_536;
/** Consecutive addresses in 127.0.0.0/8 (never .0): every one of them is loopback on Linux. */
function nextSourceAddress(): string {
  const n = nextSource++;
  const host = Math.floor(n / 254);
  return `127.${Math.floor(host / 256) % 256}.${host % 256}.${1 + (n % 254)}`;
}

export async function startFleet(nginxBin: string, env: Env, size = 3): Promise<Fleet> {
  const ports: number[] = [];
  while (ports.length < size) {
    const port = await findFreePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const nginx = await startNginx(nginxBin, ports);
  const throttleKeyPrefix = `fleet-${nginx.port}`;
  const fleetEnv: Env = {
    APP_ORIGIN: nginx.origin,
    TRUSTED_PROXIES: '127.0.0.1',
    TRUSTED_PROXY_HEADER: 'x-real-ip',
    // Above nginx's upstream keepalive_timeout (60 s), as the README asks of any load balancer.
    HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
    // One budget, one set of keys for the whole fleet.
    THROTTLE_KEY_PREFIX: throttleKeyPrefix,
    // The budgets decide here, not the hashing gate: three instances on two cores would otherwise
    // answer some of the few verified guesses with its 503.
    PASSWORD_HASH_CONCURRENCY: '4',
    PASSWORD_HASH_WAIT_MS: '10000',
    // A just-started instance blocks its event loop for seconds while it loads its routes on two busy
    // cores: shed with 503, nginx would count that a failure and, all three failing, answer 502.
    EVENT_LOOP_LAG_LIMIT_MS: '10000',
    ...env,
  };
  const instances = await Promise.all(ports.map((port) => startApp(fleetEnv, port)));
  const agents: Agent[] = [];

  const sendFrom = (address: string, target: string): Send => {
    const agent = new Agent({ localAddress: address });
    agents.push(agent);
    return async (url, init) => {
      const retargeted = target + url.slice(nginx.origin.length);
      const response = await undiciFetch(retargeted, { ...(init as UndiciRequestInit), dispatcher: agent });
      return response as unknown as Response;
    };
  };
  const targetOf = (instance?: number) => (instance === undefined ? nginx.origin : (instances[instance]?.origin ?? ''));
  const client = (instance?: number) => {
    const address = nextSourceAddress();
    return new TestClient(nginx.origin, address, 'bastion-fleet-client', sendFrom(address, targetOf(instance)));
  };
  const sameBrowserOn = (browser: TestClient, instance: number) => {
    const moved = new TestClient(nginx.origin, browser.ip, browser.userAgent, sendFrom(browser.ip, targetOf(instance)));
    for (const [name, value] of browser.cookies) moved.cookies.set(name, value);
    return moved;
  };
  const restart = async (instance: number, extra: Env = {}) => {
    const running = instances[instance];
    if (!running) throw new Error(`no instance ${instance}`);
    await running.stop();
    instances[instance] = await startApp({ ...fleetEnv, ...extra }, running.port);
  };
  /** nginx skips an instance for fail_timeout after a refused connection: wait until all are back in its rotation. */
  const servedByAll = async () => {
    const probe = client();
    for (let answered = 0, poll = 0; answered < size && poll < 100; poll += 1) {
      const ok = (await probe.request('/api/health').then((res) => res.arrayBuffer().then(() => res.status))) === 200;
      answered = ok ? answered + 1 : 0;
      if (!ok) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const restartAll = async (extra: Env) => {
    await Promise.all(instances.map((_, instance) => restart(instance, extra)));
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await servedByAll();
  };
  const stop = async () => {
    await Promise.all([...instances.map((instance) => instance.stop()), ...agents.map((agent) => agent.close())]);
    await nginx.stop();
  };
  return {
    origin: nginx.origin,
    throttleKeyPrefix,
    nginx,
    instances,
    client,
    sameBrowserOn,
    restart,
    restartAll,
    stop,
  };
}
