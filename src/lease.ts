import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { RecruitDbError, type StoreName } from './errors';

/**
 * A lease lock for stores without session locks (MongoDB, S3): one record with a fixed name, taken
 * by an atomic create-if-absent and held by a lease the holder renews. A holder that dies stops
 * renewing; the next taker takes the lock over once the lease has passed, with a compare-and-swap
 * only one taker can win. On the holder's own host it does not wait for the lease: a holder whose
 * process provably no longer exists (its pid is gone, or now belongs to a process started later)
 * is taken over at once. The holder only ever deletes its own token.
 *
 * Leases are compared with the taker's clock: hosts whose clocks differ by more than a lease could
 * take a live lock, so keep the lease well above the expected skew (the default is 60 s).
 */
export interface LeaseHolder {
  host: string;
  pid: number;
  /** The holder process's start time (Linux: jiffies since boot from /proc/<pid>/stat), when known. */
  procStart?: string;
}

export interface LeaseDoc {
  token: string;
  holder: LeaseHolder;
  acquiredAt: Date;
  expiresAt: Date;
}

/** How one store keeps the lease record. Every write is conditional; `false` means someone else won. */
export interface LeaseBackend<V> {
  create(doc: LeaseDoc): Promise<boolean>;
  read(): Promise<{ doc: LeaseDoc; version: V } | undefined>;
  /** Replaces the record read as `version` (compare-and-swap). */
  replace(version: V, doc: LeaseDoc): Promise<boolean>;
  /** Extends our own lease; false when the record is no longer ours. */
  renew(token: string, expiresAt: Date): Promise<boolean>;
  release(token: string): Promise<void>;
}

export interface LeaseOptions {
  store: StoreName;
  /** What the lock guards, for messages: "migration", "seed". */
  what: string;
  leaseMs: number;
  /** How long to wait for a held lock before giving up (exit 2 naming the holder). */
  waitMs: number;
  pollMs?: number;
  /** Called when the lock is held by someone else and we start waiting (and about every 10 s after). */
  onWait?: (text: string) => void;
}

export interface LeaseResult<T> {
  value: T;
  /** Whose lock was taken over, and why. */
  tookOver?: { holder: LeaseHolder; reason: 'expired' | 'dead' };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** This process's start time, from /proc (Linux); undefined elsewhere. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counted after the command name, which may itself hold spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether a holder on THIS host is provably gone: its pid is free, or reused by a younger process. */
export function holderIsDead(holder: LeaseHolder, host = hostname()): boolean {
  if (holder.host !== host || !Number.isInteger(holder.pid) || holder.pid <= 0) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  if (!holder.procStart) return false;
  const now = processStart(holder.pid);
  return now !== undefined && now !== holder.procStart;
}

export function describeHolder(doc: LeaseDoc): string {
  return `${doc.holder.host} pid ${doc.holder.pid}, since ${new Date(doc.acquiredAt).toISOString()}, lease until ${new Date(doc.expiresAt).toISOString()}`;
}

export async function withLease<V, T>(backend: LeaseBackend<V>, opts: LeaseOptions, work: () => Promise<T>): Promise<LeaseResult<T>> {
  const token = randomUUID();
  const holder: LeaseHolder = { host: hostname(), pid: process.pid, procStart: processStart(process.pid) };
  const deadline = Date.now() + opts.waitMs;
  let tookOver: LeaseResult<T>['tookOver'];
  let told = 0;
  for (;;) {
    const now = new Date();
    const mine = (): LeaseDoc => ({ token, holder, acquiredAt: now, expiresAt: new Date(now.getTime() + opts.leaseMs) });
    if (await backend.create(mine())) break;
    const current = await backend.read();
    if (!current) {
      // Released between our create and our read: try again, but never spin.
      await sleep(10);
      continue;
    }
    const expired = new Date(current.doc.expiresAt).getTime() < now.getTime();
    const dead = !expired && holderIsDead(current.doc.holder);
    if ((expired || dead) && (await backend.replace(current.version, mine()))) {
      tookOver = { holder: current.doc.holder, reason: expired ? 'expired' : 'dead' };
      break;
    }
    if (Date.now() >= deadline) {
      throw new RecruitDbError({
        code: 'locked',
        store: opts.store,
        message: `another ${opts.what} run holds the lock (${describeHolder(current.doc)})`,
        hint: `wait for it to finish; a run that died frees the lock when its lease expires (at once when it ran on this host)${opts.waitMs ? '' : '; RECRUIT_DB_LOCK_WAIT_MS=0 means not to wait'}`,
      });
    }
    if (opts.onWait && Date.now() - told >= 10_000) {
      told = Date.now();
      opts.onWait(`waiting for the ${opts.what} lock held by ${describeHolder(current.doc)} (giving up at ${new Date(deadline).toISOString()})`);
    }
    await sleep(opts.pollMs ?? Math.min(250, Math.max(20, opts.leaseMs / 10)));
  }

  let lost = false;
  const renew = setInterval(() => {
    backend
      .renew(token, new Date(Date.now() + opts.leaseMs))
      .then((ok) => {
        if (!ok) lost = true;
      })
      .catch(() => undefined);
  }, Math.max(10, Math.floor(opts.leaseMs / 3)));
  renew.unref();
  try {
    const value = await work();
    if (lost) {
      throw new RecruitDbError({
        code: 'lock-lost',
        store: opts.store,
        message: `the ${opts.what} lock was taken over while this run held it (its lease was not renewed in time)`,
        hint: 'run status to see what was applied; raise RECRUIT_DB_MONGO_LOCK_LEASE_MS if the server is slow',
      });
    }
    return { value, tookOver };
  } finally {
    clearInterval(renew);
    await backend.release(token).catch(() => undefined);
  }
}

export function tookOverText(t: NonNullable<LeaseResult<unknown>['tookOver']>, what: string): string {
  return t.reason === 'dead'
    ? `took over the ${what} lock of ${t.holder.host} pid ${t.holder.pid}: that process no longer exists`
    : `took over an expired ${what} lock left by ${t.holder.host} pid ${t.holder.pid}`;
}
