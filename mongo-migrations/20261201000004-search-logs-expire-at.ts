import type { Db } from 'mongodb';
import { addExpiry, removeExpiry, type CommandTarget } from '../src/stores/mongo/apply';
import { RELEASE_1 } from '../src/stores/mongo/release1';
import { EXPIRY_SECONDS, release2 } from '../src/stores/mongo/release2';

/**
 * search_logs (issue 14): expireAt = searchedAt + 180 d under a TTL index of 0 s, and the validator
 * errors instead of warning (a searchedAt that is not a date was stored and never expired). A
 * first-release entry whose searchedAt is not a date gets no expireAt (nothing to count from): the
 * new validator refuses any update to it until it is fixed. Rollback removes expireAt.
 */
const FROM = RELEASE_1.find((c) => c.name === 'search_logs')!;
const TO = release2('search_logs');
const KEEP_MS = EXPIRY_SECONDS('search_logs') * 1000;

export async function up(db: Db | CommandTarget): Promise<void> {
  await addExpiry(db as CommandTarget, FROM, TO, { searchedAt: { $type: 'date' } }, (d) => new Date((d.searchedAt as Date).getTime() + KEEP_MS));
}

export async function down(db: Db | CommandTarget): Promise<void> {
  await removeExpiry(db as CommandTarget, FROM, TO);
}
