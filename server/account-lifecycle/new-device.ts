import { and, eq, ne } from 'drizzle-orm';
import { knownDevices, users } from '@/db/schema';
import { auditSink, getAuditLog } from '@/server/core/audit-log';
import { getDb } from '@/server/core/db';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import { deliverMailSoon, enqueueMail } from '@/server/mail';
import { appLink } from './links';
import { newDeviceMail } from './mails';
import { readableUserAgent } from './user-agent';

/**
 * Remembers the browser (its device cookie id) as one the account signed in from, and mails the
 * owner when it is new — once per browser, and never for the account's first one.
 */
export async function noteSignInDevice(sign: { userId: string; deviceId: string }, request: RequestInfo) {
  const mailed = await getDb().transaction(async (tx) => {
    const [added] = await tx.insert(knownDevices).values(sign).onConflictDoNothing()
      .returning({ createdAt: knownDevices.createdAt });
    if (!added) return false;
    const others = and(eq(knownDevices.userId, sign.userId), ne(knownDevices.deviceId, sign.deviceId));
    const [earlier] = await tx.select({ deviceId: knownDevices.deviceId }).from(knownDevices).where(others).limit(1);
    const [owner] = await tx.select({ email: users.email }).from(users).where(eq(users.id, sign.userId));
    if (!earlier || !owner) return false;
    const place = { when: added.createdAt, ip: request.ip, browser: readableUserAgent(request.userAgent) };
    await enqueueMail(tx, newDeviceMail(owner.email, place, appLink('/account')));
    await getAuditLog().record(auditEntry(request, 'new_device_sign_in', sign.userId), auditSink(tx));
    return true;
  });
  if (mailed) deliverMailSoon();
}
