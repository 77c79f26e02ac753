import type { Db, Document } from 'mongodb';
import { addExpiry, removeExpiry, type CommandTarget } from '../src/stores/mongo/apply';
import { RELEASE_1 } from '../src/stores/mongo/release1';
import { EXPIRY_SECONDS, NOTIFICATION_TERMINAL, release2 } from '../src/stores/mongo/release2';

/**
 * notification_queue (issue 14): the first release's TTL deleted every entry 7 days after it was
 * queued, so one scheduled 10 days ahead vanished unsent. Now only entries in a terminal status
 * expire, 7 days after they reached it; queued/sending entries carry no expireAt.
 * When an entry reached its state, as the first release recorded it: read -> readAt, delivered ->
 * deliveredAt; failed and cancelled entries have no such time, so the latest time they carry
 * (scheduledFor, else createdAt) stands in. Rollback removes expireAt.
 */
const FROM = RELEASE_1.find((c) => c.name === 'notification_queue')!;
const TO = release2('notification_queue');
const KEEP_MS = EXPIRY_SECONDS('notification_queue') * 1000;

const dateOr = (...values: unknown[]): Date | undefined => values.find((v): v is Date => v instanceof Date);

/** When an entry reached its terminal status (undefined: not terminal). */
export function reachedAt(d: Document): Date | undefined {
  switch (d.status) {
    case 'read':
      return dateOr(d.readAt, d.deliveredAt, d.scheduledFor, d.createdAt);
    case 'delivered':
      return dateOr(d.deliveredAt, d.scheduledFor, d.createdAt);
    case 'failed':
    case 'cancelled':
      return dateOr(d.scheduledFor, d.createdAt);
  }
  return undefined;
}

export async function up(db: Db | CommandTarget): Promise<void> {
  await addExpiry(db as CommandTarget, FROM, TO, { status: { $in: [...NOTIFICATION_TERMINAL] } }, (d) => {
    const at = reachedAt(d);
    return at && new Date(at.getTime() + KEEP_MS);
  });
}

export async function down(db: Db | CommandTarget): Promise<void> {
  await removeExpiry(db as CommandTarget, FROM, TO);
}
