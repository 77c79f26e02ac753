import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from 'mongodb';
import { RecruitDbError } from '../../errors';
import { INTERNAL } from './collections';

/**
 * The migration lock: one document with a fixed _id, taken by an atomic insert and held by a lease.
 * A run that dies (SIGKILL, power loss) stops renewing; once its lease has passed, the next run
 * takes the lock over with a conditional update that only one taker can win. No TTL index is
 * involved (FerretDB has none), and the holder only ever deletes its own token.
 *
 * Leases are compared with the taker's clock: hosts whose clocks differ by more than a lease could
 * take a live lock, so keep the lease well above the expected skew (the default is 60s).
 */
export interface LockOptions {
  leaseMs: number;
  /** How long to wait for a held lock before giving up. */
  waitMs: number;
  pollMs?: number;
}

export interface LockDoc {
  _id: string;
  token: string;
  holder: { host: string; pid: number };
  acquiredAt: Date;
  expiresAt: Date;
}

const LOCK_ID = 'migrate';

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function withMigrationLock<T>(db: Db, opts: LockOptions, work: () => Promise<T>): Promise<{ value: T; tookOver?: LockDoc['holder'] }> {
  const coll = db.collection<LockDoc>(INTERNAL.lock);
  const token = randomUUID();
  const holder = { host: hostname(), pid: process.pid };
  const deadline = Date.now() + opts.waitMs;
  let tookOver: LockDoc['holder'] | undefined;
  for (;;) {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + opts.leaseMs);
    try {
      await coll.insertOne({ _id: LOCK_ID, token, holder, acquiredAt: now, expiresAt });
      break;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    const stale = await coll.findOne({ _id: LOCK_ID });
    const res = await coll.updateOne({ _id: LOCK_ID, expiresAt: { $lt: now } }, { $set: { token, holder, acquiredAt: now, expiresAt } });
    if (res.modifiedCount === 1) {
      tookOver = stale?.holder;
      break;
    }
    if (Date.now() >= deadline) {
      const who = stale ? `${stale.holder.host} pid ${stale.holder.pid}, lease until ${stale.expiresAt.toISOString()}` : 'unknown holder';
      throw new RecruitDbError({
        code: 'locked',
        store: 'mongo',
        message: `another migration run holds the lock (${who})`,
        hint: 'wait for it to finish; a run that died frees the lock when its lease expires',
      });
    }
    await sleep(opts.pollMs ?? Math.min(250, Math.max(20, opts.leaseMs / 10)));
  }

  let lost = false;
  const renew = setInterval(() => {
    coll
      .updateOne({ _id: LOCK_ID, token }, { $set: { expiresAt: new Date(Date.now() + opts.leaseMs) } })
      .then((r) => {
        if (r.matchedCount === 0) lost = true;
      })
      .catch(() => undefined);
  }, Math.max(10, Math.floor(opts.leaseMs / 3)));
  renew.unref();
  try {
    const value = await work();
    if (lost) {
      throw new RecruitDbError({
        code: 'lock-lost',
        store: 'mongo',
        message: 'the migration lock was taken over while this run held it (its lease was not renewed in time)',
        hint: 'run status to see what was applied; raise RECRUIT_DB_MONGO_LOCK_LEASE_MS if the server is slow',
      });
    }
    return { value, tookOver };
  } finally {
    clearInterval(renew);
    await coll.deleteOne({ _id: LOCK_ID, token }).catch(() => undefined);
  }
}
