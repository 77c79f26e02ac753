import { requireStore, type Config } from '../config';
import { RecruitDbError, usageError, type StoreName } from '../errors';
import { Clients, copyStack, dropNames, namesOf, refuseProductionStamp, type CopyTuning } from './copy';
import { templateKey, type SeedSpec, type TemplateKey, type TemplateSpec } from './key';
import { KeepAlive, LIVE_LEASE_MS } from './lease';
import { checkPoolName, checkStackId, DEFAULT_POOL, newStackId, stackNames, type StoreNames } from './names';
import { openControl, type Control, type StackRow, type TemplateRow } from './records';
import { stackConfig, stackEnv, storesOf } from './stack';
import type { CiEvent, TemplateContext } from './template';

/**
 * The warm pool: stacks copied from the template ahead of need, handed out by one UPDATE ... SKIP
 * LOCKED. Everything about a stack is in the control database before the stack exists, so a process
 * may die at any point and gc still finds what it left.
 */

const ALL: StoreName[] = ['postgres', 'mongo', 's3'];

export interface PoolOptions {
  /** A namespace of its own (default RECRUIT_DB_CI_POOL, else "main"): e.g. one per branch or test file. */
  pool?: string;
  /** The stores a stack has (default all three). PostgreSQL is always needed: the records live there. */
  stores?: StoreName[];
  /** false: migrated stacks with no seed data. Default: the small profile, seed 1. */
  seed?: false | { profile?: string; seed?: string | number; asOf?: string };
  /** Verify the template against this summary file instead of the shipped manifest. */
  summaryPath?: string;
  /** Lease of a hand-out; renewed while this process lives unless keepAlive is false. */
  leaseMs?: number;
  keepAlive?: boolean;
  /** Top the pool up in this process after each hand-out (default true). */
  refill?: boolean;
  /** Stacks copied at once by a refill or warm (default 2). */
  concurrency?: number;
  /** How long to wait for another process's template build (default 10 min). */
  buildWaitMs?: number;
  tuning?: CopyTuning;
  onEvent?: (e: CiEvent) => void;
}

/** A stack handed out: the settings to run against, and how to give it back. */
export interface Stack {
  /** The lease id (also the stack's id): `ci release ID`. */
  id: string;
  pool: string;
  templateKey: string;
  stores: StoreName[];
  names: StoreNames;
  /** The caller's configuration pointing at the stack: pass it to any recruit-db library function. */
  config: Config;
  /** The same as environment variables (DATABASE_URL, MONGODB_URI, MONGODB_DB, S3_BUCKET, ...). */
  env: Record<string, string>;
  /** The template's content hash (seeds' contentHash of what was seeded). */
  contentHash: string;
  /** Taken ready from the pool (true) or copied for this call (false). */
  warm: boolean;
  leaseUntil: Date;
  /** Time from the call to the stack being the caller's. */
  handoutMs: number;
  release(): Promise<void>;
}

export interface WarmResult {
  size: number;
  created: number;
  /** Ready or being copied for the pool, after this call. */
  available: number;
  template: { key: string; built: boolean; buildMs: number | null };
}

export interface PoolStatus {
  pool: string;
  current: { key: string; short: string; lineage: string };
  size: number;
  templates: Array<{ key: string; short: string; state: string; current: boolean; stores: string[]; buildMs: number | null; readyAt: Date | null; lastUsedAt: Date; contentHash: string | null; error: string | null; stacks: Record<string, number> }>;
  stacks: Array<{ id: string; template: string; state: string; forLease: boolean; holder: string | null; leaseUntil: Date; expired: boolean; names: StoreNames; copyMs: Record<string, number> | null }>;
}

function normaliseSeed(seed: PoolOptions['seed']): SeedSpec | false {
  if (seed === false) return false;
  const spec: SeedSpec = { profile: seed?.profile ?? 'small', seed: String(seed?.seed ?? 1).trim() };
  if (seed?.asOf !== undefined) spec.asOf = seed.asOf;
  return spec;
}

/**
 * The pool creates and drops databases and buckets: never on a production target, whatever is passed.
 * PostgreSQL's store stamp is read here (its driver is loaded anyway); MongoDB's and S3's when the pool
 * first connects to them (Clients), so a warm hand-out still loads no other driver.
 */
async function refuseProduction(config: Config): Promise<void> {
  refuseProductionStamp(config, []);
  const pg = config.postgres;
  if (!pg) return;
  const { connectPg } = await import('../stores/postgres/connect');
  const { readPgMeta } = await import('../stores/postgres/meta');
  let client: Awaited<ReturnType<typeof connectPg>>;
  try {
    client = await connectPg(pg, config.timeoutMs);
  } catch (err) {
    // A server without the configured database holds no stamp; the pool only needs the server.
    if (err instanceof RecruitDbError && err.code === 'no-database') return;
    throw err;
  }
  try {
    refuseProductionStamp(config, [await readPgMeta(client)]);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Release by lease id alone: any process may give a stack back, whatever pool or template it came from. */
export async function releaseStack(control: Control, clients: Clients, id: string): Promise<void> {
  checkStackId(id);
  const [row] = await control.startDrop(`id = $1 AND state = 'leased'`, [id]);
  if (!row) {
    const now = await control.stack(id);
    if (now?.state === 'dropping') return;
    throw usageError(
      now ? `CI stack ${id} is not leased (it is ${now.state})` : `no CI stack with lease id ${id}: released already, or reclaimed by gc after its lease ran out`,
      'pass the id `recruit-db ci acquire` printed; `recruit-db ci status` lists the pool',
    );
  }
  await dropNames(control.sql, clients, namesOf(row));
  await control.deleteStack(id);
}

/** `ci release ID`: needs PostgreSQL (the records), and only the other stores the stack has. */
export async function releaseLease(config: Config, id: string): Promise<void> {
  refuseProductionStamp(config, []);
  checkStackId(id);
  const pg = requireStore(config, 'postgres');
  const refused = refuseProduction(config);
  refused.catch(() => undefined);
  const connecting = openControl({ ...config, postgres: pg }, refused);
  connecting.catch(() => undefined);
  try {
    await refused;
  } catch (err) {
    await connecting.then((c) => c.close(), () => undefined);
    throw err;
  }
  const control = await connecting;
  const clients = new Clients(config);
  try {
    await releaseStack(control, clients, id);
  } finally {
    await clients.close();
    await control.close();
  }
}

function poolName(opts: PoolOptions): string {
  return opts.pool ?? (process.env.RECRUIT_DB_CI_POOL || DEFAULT_POOL);
}

function poolSpec(opts: PoolOptions): TemplateSpec {
  return {
    pool: poolName(opts),
    stores: ALL.filter((s) => (opts.stores?.length ? opts.stores : ALL).includes(s)),
    seed: normaliseSeed(opts.seed),
    summaryPath: opts.summaryPath,
  };
}

export class CiPool {
  readonly spec: TemplateSpec;
  readonly clients: Clients;
  private readonly keepAlive: KeepAlive;
  private refilling?: Promise<number>;
  private closed = false;
  private readonly leaseMs: number;
  private readonly handedOut = new Set<string>();

  private cachedKey: { at: number; key: TemplateKey };

  private constructor(
    readonly config: Config & { postgres: NonNullable<Config['postgres']> },
    readonly control: Control,
    private readonly opts: PoolOptions,
    key: TemplateKey,
  ) {
    this.spec = poolSpec(opts);
    this.cachedKey = { at: Date.now(), key };
    this.clients = new Clients(config);
    this.leaseMs = opts.leaseMs ?? LIVE_LEASE_MS;
    this.keepAlive = new KeepAlive((ids, ms) => this.control.renew(ids, ms), (err) => this.emit({ type: 'renew-error', error: String((err as Error)?.message ?? err) }));
  }

  /** Checks the settings (nothing is written before they pass) and connects to the records. */
  static async open(config: Config, opts: PoolOptions = {}): Promise<CiPool> {
    refuseProductionStamp(config, []);
    checkPoolName(poolName(opts));
    const stores = opts.stores?.length ? opts.stores : ALL;
    for (const s of stores) if (!ALL.includes(s)) throw usageError(`unknown store "${s}"`, `use ${ALL.join(', ')}`);
    const pg = requireStore(config, 'postgres');
    for (const s of stores) requireStore(config, s);
    if (opts.leaseMs !== undefined && !(opts.leaseMs >= 1000)) throw usageError(`the CI lease must be at least 1 s, got ${opts.leaseMs} ms`, 'e.g. --lease 30m');
    const base = { ...config, postgres: pg };
    // The key is read from the files while the server sets up both connections (the stamp's and the
    // records'); the records' database is created, if it must be, only once the stamp has passed.
    const refused = refuseProduction(base);
    refused.catch(() => undefined);
    const connecting = openControl(base, refused);
    connecting.catch(() => undefined);
    let key: TemplateKey;
    try {
      key = templateKey(base, poolSpec(opts));
      await refused;
    } catch (err) {
      await connecting.then((c) => c.close(), () => undefined);
      throw err;
    }
    return new CiPool(base, await connecting, opts, key);
  }

  /**
   * The key of the template this pool hands out, from the files as they are now: read again when the
   * last reading is more than a second old (a burst of hand-outs reads them once).
   */
  key(): TemplateKey {
    const now = Date.now();
    if (now - this.cachedKey.at > 1000) this.cachedKey = { at: now, key: templateKey(this.config, this.spec) };
    return this.cachedKey.key;
  }

  private emit(e: CiEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch {
      // A listener's failure is not the pool's.
    }
  }

  private context(key: TemplateKey): TemplateContext {
    return { base: this.config, spec: this.spec, key, clients: this.clients, waitMs: this.opts.buildWaitMs ?? Number(process.env.RECRUIT_DB_CI_BUILD_WAIT_MS ?? 600_000), onEvent: (e) => this.emit(e) };
  }

  /** A stack being copied: renewed by this process while it copies, whatever the hand-out lease. */
  private creationLease(): number {
    return Math.min(this.leaseMs, LIVE_LEASE_MS);
  }

  /**
   * Copies one stack from the template (building the template first if needed). For the pool, only if
   * the pool holds fewer than `size` (undefined when it is full); forLease: for the caller, leased.
   */
  private async create(key: TemplateKey, forLease: boolean, size = 0): Promise<{ row: StackRow; template: TemplateRow } | undefined> {
    const { withTemplate } = await import('./template');
    const id = newStackId();
    const names = stackNames(this.spec.pool, id, this.spec.stores);
    return withTemplate(this.context(key), async (template, session) => {
      const reserved = await session.reserveStack(
        { id, pool: this.spec.pool, template_key: key.key, pg_database: names.postgres ?? null, mongo_db: names.mongo ?? null, s3_bucket: names.s3 ?? null },
        { forLease, leaseMs: this.creationLease(), size },
      );
      if (!reserved) return undefined;
      this.keepAlive.add(id, this.creationLease());
      try {
        const copyMs = await copyStack(session.sql, this.clients, namesOf(template), names, this.opts.tuning);
        const row = await session.stackCreated(id, copyMs as Record<string, number>, this.leaseMs);
        if (!row) throw new RecruitDbError({ code: 'stack-reclaimed', message: `CI stack ${id} was reclaimed while it was being copied (its lease ran out)`, hint: 'raise the lease, or check that this process was not paused', exitCode: 1 });
        this.emit({ type: 'stack-created', id, copyMs: copyMs as Record<string, number> });
        return { row, template };
      } catch (err) {
        await dropNames(session.sql, this.clients, names).catch(() => undefined);
        await session.deleteStack(id).catch(() => undefined);
        throw err;
      } finally {
        // A hand-out is renewed from here on by handout(); a pool stack needs no lease once ready.
        this.keepAlive.delete(id);
      }
    });
  }

  private handout(row: StackRow, contentHash: string | null, warm: boolean, started: number): Stack {
    const names = namesOf(row);
    const config = stackConfig(this.config, names);
    if (this.opts.keepAlive !== false) this.keepAlive.add(row.id, this.leaseMs);
    this.handedOut.add(row.id);
    return {
      id: row.id,
      pool: row.pool,
      templateKey: row.template_key,
      stores: storesOf(names),
      names,
      config,
      env: stackEnv(config, row.id),
      contentHash: contentHash ?? '',
      warm,
      leaseUntil: row.lease_until,
      handoutMs: Math.round((performance.now() - started) * 10) / 10,
      release: () => this.release(row.id),
    };
  }

  /**
   * Hands out a stack: a ready one from the pool in one statement, or, when none is ready, one copied
   * for this call (building the template first if this is its first use). A refill of the pool starts
   * in the background when it fell below its size (refill: false leaves that to the caller: see
   * `refillNeeded`).
   */
  async acquire(opts: { refill?: boolean } = {}): Promise<Stack & { refillNeeded: boolean }> {
    this.assertOpen();
    const started = performance.now();
    const key = this.key();
    const claim = await this.control.claimReady(this.spec.pool, key.key, key.lineage, this.leaseMs);
    let stack: Stack;
    if (claim.stack) {
      stack = this.handout(claim.stack, claim.contentHash, true, started);
    } else {
      const made = (await this.create(key, true))!;
      stack = this.handout(made.row, made.template.content_hash, false, started);
    }
    const refillNeeded = claim.left < claim.size;
    if (refillNeeded && (opts.refill ?? this.opts.refill ?? true)) this.refillInBackground();
    return { ...stack, refillNeeded };
  }

  /** Sets the pool's size (kept in the records, for every process) and copies stacks until it holds that many. */
  async warm(size: number): Promise<WarmResult> {
    this.assertOpen();
    if (!Number.isInteger(size) || size < 0 || size > 1000) throw usageError(`pool size must be a whole number from 0 to 1000, got ${size}`, 'e.g. --size 8');
    const key = this.key();
    await this.control.setSize(this.spec.pool, key.lineage, size);
    // The template first, even for size 0: after a warm, an acquire copies or takes, never builds.
    const { withTemplate } = await import('./template');
    const template = await withTemplate(this.context(key), async (t, _session, built) => ({ buildMs: t.build_ms, built }));
    const created = await this.fill(key, size);
    const counts = await this.control.query<{ n: number }>(`SELECT count(*)::int AS n FROM recruit_db_ci_stacks WHERE pool = $1 AND template_key = $2 AND NOT for_lease AND state IN ('ready', 'creating')`, [this.spec.pool, key.key]);
    return { size, created, available: counts[0].n, template: { key: key.key, ...template } };
  }

  /** Copies stacks, `concurrency` at a time, until the pool holds `size` ready or creating ones. */
  private async fill(key: TemplateKey, size: number): Promise<number> {
    let created = 0;
    const worker = async () => {
      while (!this.closed && (await this.create(key, false, size))) created++;
    };
    await Promise.all(Array.from({ length: Math.max(1, this.opts.concurrency ?? 2) }, worker));
    return created;
  }

  /**
   * Tops the pool up to the size in its records. One refiller per template across every process (a try
   * lock): a second one returns at once, since the first fills the pool for everyone.
   */
  async refill(): Promise<number> {
    this.assertOpen();
    const key = this.key();
    const session = await openControl(this.config);
    try {
      if (!(await session.tryLock('refill', this.spec.pool, key.key))) return 0;
      const size = await session.size(this.spec.pool, key.lineage);
      return size > 0 ? await this.fill(key, size) : 0;
    } finally {
      await session.close();
    }
  }

  private refillInBackground(): void {
    if (this.refilling || this.closed) return;
    this.refilling = this.refill()
      .catch((err) => {
        this.emit({ type: 'refill-error', error: err instanceof RecruitDbError ? err.oneLine() : String((err as Error)?.message ?? err) });
        return 0;
      })
      .finally(() => (this.refilling = undefined));
  }

  /** Waits for a background refill, if one is running (tests, benchmarks). */
  async settled(): Promise<void> {
    await this.refilling;
  }

  /** Drops a leased stack and its record. Unknown or already released ids are refused with a clear line. */
  async release(id: string): Promise<void> {
    this.keepAlive.delete(id);
    this.handedOut.delete(id);
    await releaseStack(this.control, this.clients, id);
  }

  /** Pushes a held stack's lease forward (what the keep-alive does for hand-outs of this process). */
  async renew(id: string, leaseMs = this.leaseMs): Promise<Date> {
    checkStackId(id);
    const row = await this.control.extendLease(id, leaseMs);
    if (!row) throw usageError(`no leased CI stack with id ${id}`, '`recruit-db ci status` lists the pool');
    return row.lease_until;
  }

  async status(): Promise<PoolStatus> {
    const key = this.key();
    const [templates, stacks, size, now] = await Promise.all([
      this.control.templates(this.spec.pool),
      this.control.stacks(this.spec.pool),
      this.control.size(this.spec.pool, key.lineage),
      this.control.query<{ now: Date }>('SELECT now() AS now').then((r) => r[0].now),
    ]);
    return {
      pool: this.spec.pool,
      current: { key: key.key, short: key.short, lineage: key.lineage },
      size,
      templates: templates.map((t) => {
        const mine = stacks.filter((s) => s.template_key === t.key);
        const counts: Record<string, number> = { ready: 0, leased: 0, creating: 0, dropping: 0 };
        for (const s of mine) counts[s.state]++;
        return { key: t.key, short: t.key.slice(0, 10), state: t.state, current: t.key === key.key, stores: t.stores, buildMs: t.build_ms, readyAt: t.ready_at, lastUsedAt: t.last_used_at, contentHash: t.content_hash, error: t.error, stacks: counts };
      }),
      stacks: stacks.map((s) => ({ id: s.id, template: s.template_key.slice(0, 10), state: s.state, forLease: s.for_lease, holder: s.holder, leaseUntil: s.lease_until, expired: s.lease_until < now, names: namesOf(s), copyMs: s.copy_ms })),
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new RecruitDbError({ code: 'closed', message: 'this CI pool was closed', hint: 'open a new one with openPool()' });
  }

  /**
   * Stops refilling (waiting for the stack being copied), releases the stacks this pool handed out
   * unless told to keep them (their leases then run out and gc takes them), and disconnects.
   */
  async close(opts: { release?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.refilling?.catch(() => undefined);
    if (opts.release !== false) {
      for (const id of [...this.handedOut]) await this.release(id).catch(() => undefined);
    }
    this.keepAlive.stop();
    await this.clients.close();
    await this.control.close();
  }
}
