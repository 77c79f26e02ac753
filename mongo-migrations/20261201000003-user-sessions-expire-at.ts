import type { Db } from 'mongodb';
import { addExpiry, removeExpiry, type CommandTarget } from '../src/stores/mongo/apply';
import { RELEASE_1 } from '../src/stores/mongo/release1';
import { EXPIRY_SECONDS, release2 } from '../src/stores/mongo/release2';

/**
 * user_sessions (issue 14): expiry by meaning, expireAt = lastActivityAt + 90 d under a TTL index of
 * 0 s (the first release's TTL counted 90 d from lastActivityAt through the index instead). Every
 * document gets its expireAt; rollback removes it.
 */
const FROM = RELEASE_1.find((c) => c.name === 'user_sessions')!;
const TO = release2('user_sessions');
const KEEP_MS = EXPIRY_SECONDS('user_sessions') * 1000;

export async function up(db: Db | CommandTarget): Promise<void> {
  await addExpiry(db as CommandTarget, FROM, TO, { lastActivityAt: { $type: 'date' } }, (d) => new Date((d.lastActivityAt as Date).getTime() + KEEP_MS));
}

export async function down(db: Db | CommandTarget): Promise<void> {
  await removeExpiry(db as CommandTarget, FROM, TO);
}
