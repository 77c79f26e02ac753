import type { Client } from 'pg';
import type { PostgresConfig } from '../../config';
import { EXIT, RecruitDbError } from '../../errors';

/**
 * Session advisory locks (migration, seed): held on the caller's own connection, so a process that
 * dies takes its lock with it and nobody ever unlocks by hand. A held lock is waited for at most
 * `waitMs`, then the run fails naming the holder, instead of waiting silently for ever.
 *
 * The wait polls pg_try_advisory_lock rather than blocking in pg_advisory_lock: a session blocked
 * inside a statement holds a snapshot, and CREATE INDEX CONCURRENTLY in the holder's migration
 * waits for every older snapshot, while this session waits for the holder.
 */
/** Any fixed bigint: every recruit-db migrate/rollback on a database serialises on it. */
export const MIGRATE_LOCK_KEY = 7_302_914_551;
/** The seed's lock: seeds serialise with each other, not with migrations. */
export const SEED_LOCK_KEY = MIGRATE_LOCK_KEY + 1;

export interface AdvisoryLockOptions {
  key: number;
  /** What the lock guards, for messages: "migrate", "seed". */
  what: string;
  waitMs: number;
  onWait?: (text: string) => void;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10}s`;

export async function advisoryLockHolder(client: Client, key: number): Promise<{ pid: number; running_s: number | null } | undefined> {
  return client
    .query<{ pid: number; running_s: number | null }>(
      `SELECT l.pid, extract(epoch FROM now() - a.backend_start)::float8 AS running_s
         FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid = ($1::bigint >> 32)::oid AND l.objid = ($1::bigint & 4294967295)::oid
        LIMIT 1`,
      [key],
    )
    .then((r) => r.rows[0])
    .catch(() => undefined);
}

function describe(h: { pid: number; running_s: number | null } | undefined): string {
  return h ? ` (pid ${h.pid}${h.running_s === null ? '' : `, connected for ${seconds(h.running_s * 1000)}`})` : '';
}

/** Takes the lock or throws a RecruitDbError (exit 2) naming who holds it. Raw driver errors pass through. */
export async function acquireAdvisoryLock(client: Client, pg: PostgresConfig, opts: AdvisoryLockOptions): Promise<void> {
  const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [opts.key]);
  if (got.rows[0].ok) return;
  const started = Date.now();
  if (opts.waitMs > 0) {
    opts.onWait?.(`another ${opts.what} run holds the lock on ${pg.database}${describe(await advisoryLockHolder(client, opts.key))}; waiting up to ${seconds(opts.waitMs)}`);
    while (Date.now() - started < opts.waitMs) {
      await new Promise((r) => setTimeout(r, Math.min(200, Math.max(1, opts.waitMs - (Date.now() - started)))));
      if ((await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [opts.key])).rows[0].ok) return;
    }
  }
  const holder = await advisoryLockHolder(client, opts.key);
  throw new RecruitDbError({
    code: 'lock-timeout',
    store: 'postgres',
    message: `another ${opts.what} run holds the lock on ${pg.database}${describe(holder)}; waited ${seconds(Date.now() - started)}`,
    hint: `let it finish and rerun; if it is hung, stop that process${holder ? ` (or SELECT pg_terminate_backend(${holder.pid}))` : ''}; RECRUIT_DB_LOCK_WAIT_MS sets the wait in ms`,
    exitCode: EXIT.USAGE,
  });
}

export async function releaseAdvisoryLock(client: Client, key: number): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
}
