// A throwaway Redis Cluster on loopback: cluster-enabled redis-server processes joined by
// `redis-cli --cluster create`, three masters, each with `replicasPerMaster` replicas.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { findFreePort, stopChild, waitFor } from './services';

const run = promisify(execFile);
const MASTERS = 3;

export function redisCliNextTo(redisBin: string | null): string | null {
  const cli = redisBin ? join(dirname(redisBin), 'redis-cli') : null;
  return cli && existsSync(cli) ? cli : null;
}

/** Free on loopback right now: a listener could bind it. */
const portIsFree = (port: number) => findFreePort(port).then(() => true, () => false);

/**
 * Ports for the nodes, each with its cluster bus port (port + 10 000) free too, drawn at random below
 * the kernel's ephemeral range (32768 and up): other suites' servers and a crashed node waiting to be
 * revived on its old port take ephemeral ones, and a node whose bus port is taken never starts.
 */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = randomInt(10_000, 22_000);
    if (!ports.includes(port) && await portIsFree(port) && await portIsFree(port + 10_000)) ports.push(port);
  }
  return ports;
}

export type RedisCluster = {
  client: Cluster;
  /** Every node's port, masters first as created. */
  ports: number[];
  cli(port: number, ...args: string[]): Promise<string>;
  dbsize(port: number): Promise<number>;
  /** Ports of the nodes that are replicas right now. */
  replicas(): Promise<number[]>;
  /** The port of the master serving `key` now. */
  masterOf(key: string): Promise<number>;
  /** SIGKILL one node, as a machine failing would. */
  crash(port: number): Promise<void>;
  /** Starts a crashed node again on its port; it rejoins as a replica of whoever took its slots. */
  revive(port: number): void;
  stop(): Promise<void>;
};

/** Three attempts on fresh ports: a port another server took between the check and the start costs one. */
export async function startRedisCluster(bin: string, cliBin: string, replicasPerMaster = 0): Promise<RedisCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(bin, cliBin, replicasPerMaster);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function startOnce(bin: string, cliBin: string, replicasPerMaster: number): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-redis-cluster-'));
  const ports = await freePorts(MASTERS * (1 + replicasPerMaster));
  const startNode = (port: number) => spawn(bin, [
    '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
    '--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no', '--dir', dir,
  ], { stdio: 'ignore' });
  const children = new Map<number, ChildProcess>(ports.map((port) => [port, startNode(port)]));
  const kill = (child: ChildProcess) => stopChild(child, 'SIGKILL');
  const cli = async (port: number, ...args: string[]) => (await run(cliBin, ['-p', String(port), ...args])).stdout;
  let client: Cluster | undefined;
  const stop = async () => {
    client?.disconnect();
    await Promise.all([...children.values()].map(kill));
    rmSync(dir, { recursive: true, force: true });
  };
  // Redis reports its working directory resolved, wherever TMPDIR's links lead.
  const resolvedDir = realpathSync(dir);
  try {
    for (const port of ports) await waitFor(() => cli(port, 'ping').then(() => true), `redis-server on ${port}`, 10_000);
    // The server answering each port must be the one started here, not another suite's that got the port first.
    for (const port of ports) {
      const [, nodeDir] = (await cli(port, 'config', 'get', 'dir')).trim().split('\n');
      if (nodeDir !== resolvedDir) throw new Error(`Redis Cluster: port ${port} is answered by another server (${nodeDir ?? '?'})`);
    }
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    await run(cliBin, ['--cluster', 'create', ...nodes, '--cluster-replicas', String(replicasPerMaster), '--cluster-yes']);
    await waitForClusterOk(cli, ports);
    const ready = new Cluster(ports.slice(0, MASTERS).map((port) => ({ host: '127.0.0.1', port })));
    client = ready;
    await new Promise((resolve, reject) => ready.once('ready', resolve).once('error', reject));
  } catch (error) {
    await stop();
    throw error;
  }
  const running = (port: number) => children.get(port)?.exitCode === null && children.get(port)?.signalCode === null;
  const live = () => ports.filter(running);
  /** `cluster nodes` as [port, flags, slot ranges] of each node, asked of a live node. */
  const nodeTable = async () => (await cli(live()[0] ?? 0, 'cluster', 'nodes')).trim().split('\n').map((line) => {
    const [, address = '', flags = '', , , , , , ...slots] = line.split(' ');
    return { port: Number(address.split('@')[0]?.split(':')[1]), flags, slots };
  });
  const replicas = async () => (await nodeTable()).filter((node) => node.flags.includes('slave')).map((node) => node.port);
  const masterOf = async (key: string) => {
    const slot = Number((await cli(live()[0] ?? 0, 'cluster', 'keyslot', key)).trim());
    const owner = (await nodeTable()).find((node) => node.flags.includes('master') && !node.flags.includes('fail') &&
      node.slots.some((range) => {
        const [from = -1, to = from] = range.split('-').map(Number);
        return slot >= from && slot <= to;
      }));
    if (!owner) throw new Error(`no master serves slot ${slot}`);
    return owner.port;
  };
  const crash = async (port: number) => {
    const child = children.get(port);
    if (child) await kill(child);
  };
  const revive = (port: number) => void children.set(port, startNode(port));
  const dbsize = async (port: number) => Number((await cli(port, 'dbsize')).trim());
  return { client: client as Cluster, ports, cli, dbsize, replicas, masterOf, crash, revive, stop };
}

/** Every node agrees the cluster is up (replicas included, once they have synced their master). */
export async function waitForClusterOk(cli: RedisCluster['cli'], ports: readonly number[]): Promise<void> {
  const allOk = async () => {
    const states = await Promise.all(ports.map((port) => cli(port, 'cluster', 'info').catch(() => '')));
    return states.every((state) => state.includes('cluster_state:ok'));
  };
  // A revived master rejoins as a replica and resyncs: on two busy cores that has taken over 20 s.
  await waitFor(allOk, 'Redis Cluster (cluster_state:ok on every node)', 60_000);
}
