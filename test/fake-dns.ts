// A nameserver on 127.0.0.1 for tests, so no test ever asks a real one. It answers A and AAAA
// from a table, answers NXDOMAIN for other names, and never answers names whose first label is
// `stall` (a nameserver that hangs). It records every question it receives.
import { createSocket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import ipaddr from 'ipaddr.js';

export type FakeDns = {
  /** `127.0.0.1:<port>`, ready for Resolver#setServers or OUTBOUND_DNS_SERVERS. */
  server: string;
  /** Every queried name, in arrival order (one entry per A or AAAA question). */
  queries: string[];
  close(): Promise<void>;
};

const TYPE_A = 1;
const TYPE_AAAA = 28;

function readQuestion(packet: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let at = 12;
  for (let length = packet[at] ?? 0; length > 0; length = packet[at] ?? 0) {
    labels.push(packet.subarray(at + 1, at + 1 + length).toString('latin1'));
    at += 1 + length;
  }
  return { name: labels.join('.').toLowerCase(), type: packet.readUInt16BE(at + 1), end: at + 5 };
}

function answer(query: Buffer, end: number, addresses: readonly string[] | undefined, type: number): Buffer {
  const matching = (addresses ?? []).filter((address) => (type === TYPE_A) === isIPv4(address));
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(addresses ? 0x8180 : 0x8183, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(matching.length, 6);
  const records = matching.map((address) => {
    const data = Buffer.from(ipaddr.parse(address).toByteArray());
    const record = Buffer.alloc(12);
    record.writeUInt16BE(0xc00c, 0);
    record.writeUInt16BE(type, 2);
    record.writeUInt16BE(1, 4);
    record.writeUInt32BE(60, 6);
    record.writeUInt16BE(data.length, 10);
    return Buffer.concat([record, data]);
  });
  return Buffer.concat([header, query.subarray(12, end), ...records]);
}

/** Starts the nameserver; `records` maps a name to its IPv4 and IPv6 addresses. */
export async function startFakeDns(records: Record<string, readonly string[]>): Promise<FakeDns> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (packet, peer) => {
    const { name, type, end } = readQuestion(packet);
    queries.push(name);
    if (name.split('.')[0] === 'stall' || (type !== TYPE_A && type !== TYPE_AAAA)) return;
    socket.send(answer(packet, end, records[name], type), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(resolve)),
  };
}
