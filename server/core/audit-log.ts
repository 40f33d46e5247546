import { auditEvents } from '@/db/schema';
import type { Database } from '@/db/client';
import { AuditLog, type AuditSink } from '../security/audit';
import { getDb } from './db';
import { getLogger } from './log';
import { processSingleton } from './singleton';

type Writer = Pick<Database, 'insert'>;

/** A sink that stores audit rows through `writer` — pass a transaction to write atomically. */
export function auditSink(writer: Writer): AuditSink {
  return async (record) => {
    await writer.insert(auditEvents).values(record);
  };
}

export function getAuditLog(): AuditLog {
  return processSingleton('audit-log', () => new AuditLog({
    logger: getLogger(),
    sink: (record) => auditSink(getDb())(record),
  }));
}
