import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Client } from 'pg';
import type { Config, PostgresConfig } from '../config';
import { RecruitDbError } from '../errors';
import { connectPg, pgError } from '../stores/postgres/connect';
import { CONTROL_DB, pgUrlWithDatabase } from './names';

/**
 * The pool's records live in the PostgreSQL server, in a database of their own (rdbci_control), so
 * every process and machine that shares the servers sees one truth, and a hand-out is one UPDATE ...
 * FOR UPDATE SKIP LOCKED: two workers can never take the same stack. Times are the server's (now()),
 * never a machine's clock. Locks are session advisory locks: a killed process frees them with its
 * connection.
 */

export type TemplateState = 'building' | 'ready' | 'failed';
/** creating: being copied (for the pool, or for one caller when for_lease); dropping: being removed. */
export type StackState = 'creating' | 'ready' | 'leased' | 'dropping';

export interface TemplateRow {
  pool: string;
  key: string;
  lineage: string;
  state: TemplateState;
  stores: string[];
  pg_database: string | null;
  mongo_db: string | null;
  s3_bucket: string | null;
  inputs: unknown;
  content_hash: string | null;
  content: Record<string, string> | null;
  build_ms: number | null;
  build_phases: Record<string, number> | null;
  error: string | null;
  holder: string | null;
  created_at: Date;
  ready_at: Date | null;
  last_used_at: Date;
}

export interface StackRow {
  id: string;
  pool: string;
  template_key: string;
  state: StackState;
  for_lease: boolean;
  pg_database: string | null;
  mongo_db: string | null;
  s3_bucket: string | null;
  holder: string | null;
  lease_until: Date;
  created_at: Date;
  ready_at: Date | null;
  leased_at: Date | null;
  copy_ms: Record<string, number> | null;
}

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS recruit_db_ci_schema (version integer NOT NULL);
CREATE TABLE IF NOT EXISTS recruit_db_ci_templates (
  pool text NOT NULL,
  key text NOT NULL,
  lineage text NOT NULL,
  state text NOT NULL CHECK (state IN ('building', 'ready', 'failed')),
  stores text[] NOT NULL,
  pg_database text,
  mongo_db text,
  s3_bucket text,
  inputs jsonb NOT NULL,
  content_hash text,
  content jsonb,
  build_ms integer,
  build_phases jsonb,
  error text,
  holder text,
  created_at timestamptz NOT NULL DEFAULT now(),
  ready_at timestamptz,
  last_used_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pool, key)
);
CREATE TABLE IF NOT EXISTS recruit_db_ci_stacks (
  id text PRIMARY KEY,
  pool text NOT NULL,
  template_key text NOT NULL,
  state text NOT NULL CHECK (state IN ('creating', 'ready', 'leased', 'dropping')),
  for_lease boolean NOT NULL DEFAULT false,
  pg_database text,
  mongo_db text,
  s3_bucket text,
  holder text,
  lease_until timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  ready_at timestamptz,
  leased_at timestamptz,
  copy_ms jsonb
);
CREATE INDEX IF NOT EXISTS recruit_db_ci_stacks_pick ON recruit_db_ci_stacks (pool, template_key, state, ready_at);
CREATE TABLE IF NOT EXISTS recruit_db_ci_pools (
  pool text NOT NULL,
  lineage text NOT NULL,
  size integer NOT NULL CHECK (size >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pool, lineage)
);
`;

/** Advisory lock classes (the first int of the two-int form); the second is a hash of pool and key. */
const LOCK = { schema: 0x72646200, template: 0x72646201, slot: 0x72646202, refill: 0x72646203 } as const;
export type LockClass = keyof typeof LOCK;

export function lockId(pool: string, key: string): number {
  return createHash('sha256').update(`${pool}:${key}`).digest().readInt32BE(0);
}

export const HOLDER = `${hostname()}:${process.pid}`;

const STACK_COLUMNS = 'id, pool, template_key, state, for_lease, pg_database, mongo_db, s3_bucket, holder, lease_until, created_at, ready_at, leased_at, copy_ms';

/** Runs one statement and returns the driver's result, errors untouched (callers read SQLSTATEs). */
export type Sql = (text: string, params?: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>;

/**
 * One connection to the control database, with the queries the pool runs. A connection runs one
 * statement at a time: everything goes through one queue (the keep-alive timer, a hand-out and a gc
 * may share it), and a multi-statement step holds the queue until it is done.
 */
export class Control {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: Client,
    readonly pg: PostgresConfig,
    readonly timeoutMs: number,
  ) {}

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** For statements outside the pool's own tables (CREATE/DROP DATABASE): raw errors, same queue. */
  readonly sql: Sql = (text, params = []) => this.serial(() => this.client.query(text, params));

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      return (await this.serial(() => this.client.query(sql, params))).rows as T[];
    } catch (err) {
      // The tables are created on first use, not checked on every connect: a hand-out is one round trip.
      const code = (err as { code?: string }).code;
      if ((code === '42P01' || code === '42703') && !this.schemaChecked) {
        this.schemaChecked = true;
        await this.serial(() => ensureSchema(this.client)).catch((e) => {
          throw this.wrap(e);
        });
        return this.query<T>(sql, params);
      }
      throw this.wrap(err);
    }
  }

  private schemaChecked = false;

  wrap(err: unknown): RecruitDbError {
    if (err instanceof RecruitDbError) return err;
    const e = pgError(err, this.pg, this.timeoutMs);
    return new RecruitDbError({ code: e.code, store: 'postgres', message: `CI pool records (${CONTROL_DB}): ${e.message}`, hint: e.hint, cause: err });
  }

  async close(): Promise<void> {
    await this.serial(() => this.client.end()).catch(() => undefined);
  }

  // ---- locks ----

  /** Waits at most `waitMs` for a session advisory lock; false when it timed out. */
  async lock(cls: LockClass, pool: string, key: string, opts: { shared?: boolean; waitMs: number }): Promise<boolean> {
    const fn = opts.shared ? 'pg_advisory_lock_shared' : 'pg_advisory_lock';
    return this.serial(async () => {
      try {
        // SET LOCAL ends with the transaction; a session advisory lock outlives it.
        await this.client.query(`BEGIN; SET LOCAL lock_timeout = ${Math.max(1, Math.round(opts.waitMs))}; SELECT ${fn}(${LOCK[cls]}, ${lockId(pool, key)}); COMMIT`);
        return true;
      } catch (err) {
        await this.client.query('ROLLBACK').catch(() => undefined);
        if ((err as { code?: string }).code === '55P03') return false;
        throw this.wrap(err);
      }
    });
  }

  async tryLock(cls: LockClass, pool: string, key: string): Promise<boolean> {
    const [r] = await this.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK[cls], lockId(pool, key)]);
    return r.ok;
  }

  async unlock(cls: LockClass, pool: string, key: string, shared = false): Promise<void> {
    await this.query(`SELECT ${shared ? 'pg_advisory_unlock_shared' : 'pg_advisory_unlock'}($1, $2)`, [LOCK[cls], lockId(pool, key)]);
  }

  // ---- templates ----

  async template(pool: string, key: string): Promise<TemplateRow | undefined> {
    const [r] = await this.query<TemplateRow>('SELECT * FROM recruit_db_ci_templates WHERE pool = $1 AND key = $2', [pool, key]);
    return r;
  }

  async templates(pool?: string): Promise<TemplateRow[]> {
    return pool
      ? this.query<TemplateRow>('SELECT * FROM recruit_db_ci_templates WHERE pool = $1 ORDER BY created_at', [pool])
      : this.query<TemplateRow>('SELECT * FROM recruit_db_ci_templates ORDER BY pool, created_at');
  }

  async startTemplate(row: Pick<TemplateRow, 'pool' | 'key' | 'lineage' | 'stores' | 'pg_database' | 'mongo_db' | 's3_bucket' | 'inputs'>): Promise<void> {
    await this.query(
      `INSERT INTO recruit_db_ci_templates (pool, key, lineage, state, stores, pg_database, mongo_db, s3_bucket, inputs, holder)
       VALUES ($1, $2, $3, 'building', $4, $5, $6, $7, $8, $9)
       ON CONFLICT (pool, key) DO UPDATE SET state = 'building', error = NULL, holder = EXCLUDED.holder, created_at = now(), ready_at = NULL`,
      [row.pool, row.key, row.lineage, row.stores, row.pg_database, row.mongo_db, row.s3_bucket, JSON.stringify(row.inputs), HOLDER],
    );
  }

  async finishTemplate(pool: string, key: string, content: { hash: string; stores: Record<string, string> }, phases: Record<string, number>): Promise<TemplateRow> {
    const total = Object.values(phases).reduce((a, b) => a + b, 0);
    const [r] = await this.query<TemplateRow>(
      `UPDATE recruit_db_ci_templates SET state = 'ready', content_hash = $3, content = $4, build_ms = $5, build_phases = $6, ready_at = now(), last_used_at = now()
        WHERE pool = $1 AND key = $2 RETURNING *`,
      [pool, key, content.hash, JSON.stringify(content.stores), total, JSON.stringify(phases)],
    );
    return r;
  }

  async failTemplate(pool: string, key: string, error: string): Promise<void> {
    await this.query(`UPDATE recruit_db_ci_templates SET state = 'failed', error = $3 WHERE pool = $1 AND key = $2`, [pool, key, error]);
  }

  async deleteTemplate(pool: string, key: string): Promise<void> {
    await this.query('DELETE FROM recruit_db_ci_templates WHERE pool = $1 AND key = $2', [pool, key]);
  }

  // ---- pool sizes ----

  async setSize(pool: string, lineage: string, size: number): Promise<void> {
    await this.query(
      `INSERT INTO recruit_db_ci_pools (pool, lineage, size) VALUES ($1, $2, $3)
       ON CONFLICT (pool, lineage) DO UPDATE SET size = EXCLUDED.size, updated_at = now()`,
      [pool, lineage, size],
    );
  }

  async size(pool: string, lineage: string): Promise<number> {
    const [r] = await this.query<{ size: number }>('SELECT size FROM recruit_db_ci_pools WHERE pool = $1 AND lineage = $2', [pool, lineage]);
    return r?.size ?? 0;
  }

  // ---- stacks ----

  /**
   * The hand-out: takes the oldest ready stack of the template, or none, in one statement. Also says how
   * many stacks the pool should hold and how many it has left (ready or being copied for it), so the
   * caller knows whether a refill is worth starting.
   */
  async claimReady(pool: string, key: string, lineage: string, leaseMs: number): Promise<{ stack?: StackRow; size: number; left: number; contentHash: string | null }> {
    const [r] = await this.query<StackRow & { pool_size: number | null; pool_left: string; claimed: boolean; template_hash: string | null }>(
      `WITH claimed AS (
         UPDATE recruit_db_ci_stacks s
            SET state = 'leased', leased_at = now(), lease_until = now() + $4 * interval '1 millisecond', holder = $5
          WHERE s.id = (SELECT id FROM recruit_db_ci_stacks
                         WHERE pool = $1 AND template_key = $2 AND state = 'ready'
                         ORDER BY ready_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING s.*
       ), touched AS (
         UPDATE recruit_db_ci_templates SET last_used_at = now()
          WHERE pool = $1 AND key = $2 AND last_used_at < now() - interval '1 minute'
       )
       SELECT c.*, c.id IS NOT NULL AS claimed,
              (SELECT size FROM recruit_db_ci_pools WHERE pool = $1 AND lineage = $3) AS pool_size,
              (SELECT content_hash FROM recruit_db_ci_templates WHERE pool = $1 AND key = $2) AS template_hash,
              (SELECT count(*) FROM recruit_db_ci_stacks WHERE pool = $1 AND template_key = $2 AND NOT for_lease AND state IN ('ready', 'creating')) AS pool_left
         FROM (SELECT 1) AS one LEFT JOIN claimed c ON true`,
      [pool, key, lineage, leaseMs, HOLDER],
    );
    // The count ran on the snapshot before the claim: the stack just taken is still in it.
    const left = Number(r.pool_left) - (r.claimed ? 1 : 0);
    const size = r.pool_size ?? 0;
    const contentHash = r.template_hash;
    if (!r.claimed) return { size, left, contentHash };
    const { pool_size: _s, pool_left: _l, claimed: _c, template_hash: _h, ...stack } = r;
    return { stack: stack as StackRow, size, left, contentHash };
  }

  /**
   * Records a stack before anything of it exists, so a crash at any later point leaves a record gc can
   * follow. For the pool (forLease false) a slot is taken only while the pool holds fewer than `size`
   * ready or creating stacks, counted under a transaction lock so refillers never overshoot.
   */
  async reserveStack(row: Pick<StackRow, 'id' | 'pool' | 'template_key' | 'pg_database' | 'mongo_db' | 's3_bucket'>, opts: { forLease: boolean; leaseMs: number; size?: number }): Promise<boolean> {
    const insert = `INSERT INTO recruit_db_ci_stacks (id, pool, template_key, state, for_lease, pg_database, mongo_db, s3_bucket, holder, lease_until)
                    VALUES ($1, $2, $3, 'creating', $4, $5, $6, $7, $8, now() + $9 * interval '1 millisecond')`;
    const params = [row.id, row.pool, row.template_key, opts.forLease, row.pg_database, row.mongo_db, row.s3_bucket, HOLDER, opts.leaseMs];
    if (opts.forLease) {
      await this.query(insert, params);
      return true;
    }
    return this.serial(async () => {
      try {
        await this.client.query('BEGIN');
        await this.client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK.slot, lockId(row.pool, row.template_key)]);
        const [c] = (await this.client.query(`SELECT count(*)::int AS n FROM recruit_db_ci_stacks WHERE pool = $1 AND template_key = $2 AND NOT for_lease AND state IN ('ready', 'creating')`, [row.pool, row.template_key])).rows;
        if (c.n >= (opts.size ?? 0)) {
          await this.client.query('ROLLBACK');
          return false;
        }
        await this.client.query(insert, params);
        await this.client.query('COMMIT');
        return true;
      } catch (err) {
        await this.client.query('ROLLBACK').catch(() => undefined);
        throw this.wrap(err);
      }
    });
  }

  /** creating -> ready (for the pool) or leased (for the caller it was copied for). */
  async stackCreated(id: string, copyMs: Record<string, number>, leaseMs: number): Promise<StackRow | undefined> {
    const [r] = await this.query<StackRow>(
      `UPDATE recruit_db_ci_stacks
          SET state = CASE WHEN for_lease THEN 'leased' ELSE 'ready' END, ready_at = now(), copy_ms = $2,
              leased_at = CASE WHEN for_lease THEN now() END,
              lease_until = CASE WHEN for_lease THEN now() + $3 * interval '1 millisecond' ELSE lease_until END
        WHERE id = $1 AND state = 'creating' RETURNING ${STACK_COLUMNS}`,
      [id, JSON.stringify(copyMs), leaseMs],
    );
    return r;
  }

  /** Moves stacks to `dropping` (only from the given states); returns the rows this call moved. */
  async startDrop(where: string, params: unknown[]): Promise<StackRow[]> {
    return this.query<StackRow>(
      `UPDATE recruit_db_ci_stacks SET state = 'dropping', lease_until = now() + interval '10 minutes', holder = $${params.length + 1}
        WHERE id IN (SELECT id FROM recruit_db_ci_stacks WHERE ${where} FOR UPDATE SKIP LOCKED) RETURNING ${STACK_COLUMNS}`,
      [...params, HOLDER],
    );
  }

  async deleteStack(id: string): Promise<void> {
    await this.query('DELETE FROM recruit_db_ci_stacks WHERE id = $1', [id]);
  }

  async stack(id: string): Promise<StackRow | undefined> {
    const [r] = await this.query<StackRow>(`SELECT ${STACK_COLUMNS} FROM recruit_db_ci_stacks WHERE id = $1`, [id]);
    return r;
  }

  async stacks(pool?: string): Promise<StackRow[]> {
    return pool
      ? this.query<StackRow>(`SELECT ${STACK_COLUMNS} FROM recruit_db_ci_stacks WHERE pool = $1 ORDER BY created_at, id`, [pool])
      : this.query<StackRow>(`SELECT ${STACK_COLUMNS} FROM recruit_db_ci_stacks ORDER BY pool, created_at, id`);
  }

  /** Pushes the lease of stacks this process holds (leased, or being created by it) forward. */
  async renew(ids: string[], leaseMs: number): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await this.query<{ id: string }>(
      `UPDATE recruit_db_ci_stacks SET lease_until = now() + $2 * interval '1 millisecond'
        WHERE id = ANY($1) AND state IN ('leased', 'creating') RETURNING id`,
      [ids, leaseMs],
    );
    return rows.map((r) => r.id);
  }

  async extendLease(id: string, leaseMs: number): Promise<StackRow | undefined> {
    const [r] = await this.query<StackRow>(
      `UPDATE recruit_db_ci_stacks SET lease_until = now() + $2 * interval '1 millisecond' WHERE id = $1 AND state = 'leased' RETURNING ${STACK_COLUMNS}`,
      [id, leaseMs],
    );
    return r;
  }

  async serverNames(prefix: string): Promise<string[]> {
    const rows = await this.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname', [prefix]);
    return rows.map((r) => r.datname);
  }
}

/** Creates (or, in a later version, brings up to date) the pool's tables; idempotent, safe to race. */
async function ensureSchema(client: Client): Promise<void> {
  const ok = await client
    .query('SELECT max(version) AS v FROM recruit_db_ci_schema')
    .then((r) => Number(r.rows[0]?.v ?? 0) >= SCHEMA_VERSION)
    .catch((err: { code?: string }) => {
      if (err.code === '42P01') return false;
      throw err;
    });
  if (ok) return;
  // Two processes may arrive at once: CREATE TABLE IF NOT EXISTS races on the catalog, the lock does not.
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK.schema]);
    await client.query(SCHEMA);
    await client.query(`INSERT INTO recruit_db_ci_schema (version) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM recruit_db_ci_schema WHERE version >= $1)`, [SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** The control database's settings: the server and credentials of DATABASE_URL, database rdbci_control. */
export function controlPg(pg: PostgresConfig): PostgresConfig {
  return { ...pg, url: pgUrlWithDatabase(pg.url, CONTROL_DB), database: CONTROL_DB };
}

/** Connects to the control database, creating it and its tables on first use. */
/** `before`: what must pass before the control database may be created (the production check). */
export async function openControl(config: Config & { postgres: PostgresConfig }, before?: Promise<void>): Promise<Control> {
  const target = controlPg(config.postgres);
  let client: Client;
  try {
    client = await connectPg(target, config.timeoutMs);
  } catch (err) {
    if (!(err instanceof RecruitDbError) || err.code !== 'no-database') throw err;
    await before;
    const admin = await connectPg(config.postgres, config.timeoutMs);
    try {
      await admin.query(`CREATE DATABASE ${CONTROL_DB}`);
    } catch (e) {
      // 42P04: another process created it first; 23505: the same race seen on the catalog index.
      const code = (e as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw pgError(e, config.postgres, config.timeoutMs);
    } finally {
      await admin.end().catch(() => undefined);
    }
    client = await connectPg(target, config.timeoutMs);
  }
  return new Control(client, target, config.timeoutMs);
}
