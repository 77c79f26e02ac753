import type { Db } from 'mongodb';
import { withLease, type LeaseBackend, type LeaseDoc, type LeaseOptions, type LeaseResult } from '../../lease';
import { INTERNAL } from './collections';

/**
 * MongoDB's locks (migration, seed): one document per lock with a fixed _id in recruit_db_lock,
 * taken by an atomic insert and held by a lease (src/lease.ts). No TTL index is involved (FerretDB
 * has none); a takeover is a conditional update on the stale holder's token, which one taker wins.
 */
export type MongoLockId = 'migrate' | 'seed';

interface LockRecord extends LeaseDoc {
  _id: MongoLockId;
}

export function mongoLeaseBackend(db: Db, id: MongoLockId): LeaseBackend<string> {
  const coll = db.collection<LockRecord>(INTERNAL.lock);
  return {
    async create(doc) {
      try {
        await coll.insertOne({ _id: id, ...doc });
        return true;
      } catch (err) {
        if ((err as { code?: number }).code === 11000) return false;
        throw err;
      }
    },
    async read() {
      const found = await coll.findOne({ _id: id });
      if (!found) return undefined;
      const { _id, ...doc } = found;
      return { doc, version: doc.token };
    },
    async replace(version, doc) {
      const r = await coll.updateOne({ _id: id, token: version }, { $set: doc });
      return r.modifiedCount === 1;
    },
    async renew(token, expiresAt) {
      const r = await coll.updateOne({ _id: id, token }, { $set: { expiresAt } });
      return r.matchedCount === 1;
    },
    async release(token) {
      await coll.deleteOne({ _id: id, token });
    },
  };
}

export function withMongoLock<T>(db: Db, id: MongoLockId, opts: Omit<LeaseOptions, 'store'>, work: () => Promise<T>): Promise<LeaseResult<T>> {
  return withLease(mongoLeaseBackend(db, id), { ...opts, store: 'mongo' }, work);
}
