import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandStartedEvent, Db, Document, MongoClient } from 'mongodb';
import { requireStore, type Config, type MongoConfig } from '../../config';
import { EXIT, RecruitDbError, usageError } from '../../errors';
import { ROOT } from '../../paths';
import { maskUrl } from '../../secrets';
import { changedMigrationError, fileChecksum, isApplied, type DownOptions, type MigrateResult, type MigrationEntry, type MigrationStatus, type StoreMigrator, type UpOptions } from '../migrator';
import { readCapabilities, type CommandTarget } from './apply';
import { INTERNAL } from './collections';
import { connectMongo, mongoError } from './connect';
import { withMigrationLock } from './lock';
import { migrateMongoConfig, mongoMigrationsDir, type MigrateMongoConfig } from './mmconfig';

/**
 * MongoDB migrations: migrate-mongo runs the scripts and keeps the changelog; recruit-db wraps it in
 * an atomic lease lock (migrate-mongo's own lock is disabled, see mmconfig.ts), adds `to`/`steps`,
 * dry runs, and the capability record.
 */
export interface MongoMigratorOptions {
  migrationsDir?: string;
  /** Lock lease; a killed run blocks others at most this long. Default: config.locks.mongoLeaseMs. */
  leaseMs?: number;
  /** How long to wait for another run's lock. Default: config.locks.waitMs. */
  lockWaitMs?: number;
  /** Sees every command sent (command monitoring); tests assert the exact commands with it. */
  onCommand?: (event: CommandStartedEvent) => void;
}

interface MmStatusItem {
  fileName: string;
  appliedAt: string;
}
interface MigrateMongoApi {
  up(db: Db, client: MongoClient): Promise<string[]>;
  down(db: Db, client: MongoClient): Promise<string[]>;
  status(db: Db): Promise<MmStatusItem[]>;
  config: { set(c: MigrateMongoConfig): void };
}

let api: Promise<MigrateMongoApi> | undefined;
function migrateMongo(): Promise<MigrateMongoApi> {
  // migrate-mongo is an ES module; its CommonJS entry exposes each export as a promise.
  api ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const proxy = require('migrate-mongo') as Record<keyof MigrateMongoApi, Promise<unknown>>;
    const [up, down, status, config] = await Promise.all([proxy.up, proxy.down, proxy.status, proxy.config]);
    return { up, down, status, config } as MigrateMongoApi;
  })();
  return api;
}

// migrate-mongo keeps its configuration in module state: calls in one process take turns.
let queue: Promise<unknown> = Promise.resolve();
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

const stem = (fileName: string) => fileName.replace(/\.js$/, '');

/** A CommandTarget that sends reads and records writes: the dry run's view of the database. */
function planningTarget(db: Db, plan: string[]): CommandTarget {
  const READS = new Set(['listCollections', 'listIndexes', 'find', 'buildInfo', 'hello', 'ping']);
  const send = (target: { command(c: Document): Promise<Document> }, where: string) => async (cmd: Document) => {
    const name = Object.keys(cmd)[0];
    if (READS.has(name)) return target.command(cmd);
    plan.push(`${where}.runCommand(${JSON.stringify(cmd)})`);
    return { ok: 1 };
  };
  const admin = db.admin();
  return { databaseName: db.databaseName, command: send(db, db.databaseName), admin: () => ({ command: send(admin, 'admin') }) };
}

class MongoMigrator implements StoreMigrator {
  readonly store = 'mongo' as const;
  private readonly db: Db;

  constructor(
    private readonly client: MongoClient,
    private readonly mongo: MongoConfig,
    private readonly timeoutMs: number,
    private readonly mmConfig: MigrateMongoConfig,
    private readonly lease: { leaseMs: number; waitMs: number },
  ) {
    this.db = client.db(mongo.db);
    Object.freeze(this.lease);
  }

  private get dir(): string {
    return this.mmConfig.migrationsDir;
  }

  private files(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.js'))
      .sort();
  }

  /**
   * The file a script's checksum covers: our TypeScript source when the scripts are the compiled
   * mongo-migrations/ (dist/ is rebuilt, never edited by hand), else the script that runs.
   */
  private sourceOf(name: string): string {
    const ts = join(ROOT, 'mongo-migrations', `${name}.ts`);
    return this.dir === join(ROOT, 'dist', 'mongo-migrations') && existsSync(ts) ? ts : join(this.dir, `${name}.js`);
  }

  /** Applied scripts edited since they ran; refuses to go on over them unless accepted. */
  private changedOrRefuse(entries: MigrationEntry[], accept: boolean | undefined): string[] {
    const changed = entries.filter((e) => e.state === 'changed').map((e) => e.name);
    if (changed.length && !accept) throw changedMigrationError('mongo', changed.map((n) => this.sourceOf(n)));
    return changed;
  }

  /** Records the checksums of these scripts' files beside migrate-mongo's changelog entries. */
  private async recordChecksums(names: string[]): Promise<void> {
    for (const name of names) {
      await this.db.collection(INTERNAL.changelog).updateOne({ fileName: `${name}.js` }, { $set: { checksum: fileChecksum(this.sourceOf(name)) } });
    }
  }

  private target(): string {
    return `${maskUrl(this.mongo.uri)} (database ${this.mongo.db})`;
  }

  /** Runs a migrate-mongo call with our configuration, translating driver errors into one line. */
  private async mm<T>(fn: (api: MigrateMongoApi) => Promise<T>, migrationsDir = this.dir): Promise<T> {
    const mmApi = await migrateMongo();
    return exclusive(async () => {
      mmApi.config.set({ ...this.mmConfig, migrationsDir });
      return fn(mmApi);
    });
  }

  private wrap(err: unknown): RecruitDbError {
    if (err instanceof RecruitDbError) return err;
    return mongoError(err, this.mongo, this.timeoutMs);
  }

  private async entries(): Promise<MigrationEntry[]> {
    const items = await this.mm((m) => m.status(this.db));
    const onDisk = new Set(items.map((i) => i.fileName));
    const log = await this.db.collection(INTERNAL.changelog).find({}).sort({ fileName: 1 }).toArray();
    // migrate-mongo marks a run by its start time (migrationBlock, epoch ms); numbered in order they
    // read like PostgreSQL's batches, 1 for the first run, and a plain rollback reverts the highest.
    const blocks = [...new Set(log.map((l) => Number(l.migrationBlock)).filter(Number.isFinite))].sort((a, b) => a - b);
    const byFile = new Map(log.map((l) => [String(l.fileName), l]));
    const batchOf = (fileName: string) => {
      const block = Number(byFile.get(fileName)?.migrationBlock);
      return Number.isFinite(block) ? blocks.indexOf(block) + 1 : undefined;
    };
    // No recorded checksum: applied by the plain migrate-mongo CLI; the next migrate records one.
    const changed = (fileName: string) => {
      const recorded = byFile.get(fileName)?.checksum;
      return typeof recorded === 'string' && recorded !== fileChecksum(this.sourceOf(stem(fileName)));
    };
    const entries: MigrationEntry[] = items.map((i) => ({
      name: stem(i.fileName),
      state: i.appliedAt === 'PENDING' ? 'pending' : changed(i.fileName) ? 'changed' : 'applied',
      appliedAt: i.appliedAt === 'PENDING' ? undefined : i.appliedAt,
      batch: i.appliedAt === 'PENDING' ? undefined : batchOf(i.fileName),
    }));
    for (const l of log) {
      if (!onDisk.has(String(l.fileName))) entries.push({ name: stem(String(l.fileName)), state: 'missing', appliedAt: (l.appliedAt as Date)?.toISOString?.() });
    }
    return entries.sort((a, b) => a.name.localeCompare(b.name));
  }

  private capabilities() {
    return readCapabilities(this.db);
  }

  private resolveName(to: string, names: string[], flag: string): string {
    const wanted = stem(to);
    const hit = names.find((n) => n === wanted) ?? names.filter((n) => n.startsWith(wanted)).reduce<string | undefined>((acc, n) => (acc === undefined ? n : 'ambiguous'), undefined);
    if (!hit || hit === 'ambiguous') {
      throw usageError(`${flag} ${to} names no single MongoDB migration`, `use one of: ${names.slice(-5).join(', ')}${names.length > 5 ? ', ...' : ''}`);
    }
    return hit;
  }

  private load(name: string): { up(db: CommandTarget, client: MongoClient): Promise<void>; down(db: CommandTarget, client: MongoClient): Promise<void> } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(this.dir, `${name}.js`));
    return mod.default ?? mod;
  }

  async status(): Promise<MigrationStatus> {
    try {
      const [entries, capabilities] = [await this.entries(), await this.capabilities()];
      // Unsupported features are reported once, through `capabilities`, not repeated as notes.
      const notes: string[] = [];
      if (entries.some((e) => e.state === 'missing')) notes.push('some applied migrations have no file in ' + this.dir);
      if (entries.some((e) => e.state === 'changed')) notes.push('an applied migration was edited since it ran: migrate refuses until the edit is reverted or accepted with --accept-changed');
      return { store: 'mongo', target: this.target(), entries, capabilities, notes };
    } catch (err) {
      throw this.wrap(err);
    }
  }

  async up(opts: UpOptions): Promise<MigrateResult> {
    try {
      const names = this.files().map(stem);
      const to = opts.to === undefined ? undefined : this.resolveName(opts.to, names, '--to');
      const selected = to === undefined ? names : names.filter((n) => n <= to);
      if (opts.dryRun) {
        const entries = await this.entries();
        this.changedOrRefuse(entries, opts.acceptChanged);
        const pending = entries.filter((e) => e.state === 'pending' && selected.includes(e.name)).map((e) => e.name);
        const plan: string[] = [];
        const target = planningTarget(this.db, plan);
        for (const name of pending) {
          plan.push(`// ${name}`);
          await this.load(name).up(target, this.client);
        }
        return { store: 'mongo', direction: 'up', done: [], plan, capabilities: await this.capabilities(), notes: [`dry run: ${pending.length} migration(s) would run, nothing changed`] };
      }
      const notes: string[] = [];
      const { value: done, tookOver } = await withMigrationLock(this.db, this.lease, async () => {
        // Read under the lock: what another run applied meanwhile counts.
        const changed = this.changedOrRefuse(await this.entries(), opts.acceptChanged);
        const ran = await this.runUp(selected, names);
        const log = await this.db.collection(INTERNAL.changelog).find({ checksum: { $exists: false } }, { projection: { fileName: 1 } }).toArray();
        const unchecked = log.map((l) => stem(String(l.fileName))).filter((n) => names.includes(n));
        await this.recordChecksums([...unchecked, ...(opts.acceptChanged ? changed : [])]);
        if (opts.acceptChanged && changed.length) notes.push(`recorded new checksums for ${changed.join(', ')}`);
        return ran;
      });
      const capabilities = await this.capabilities();
      if (tookOver) notes.unshift(`took over an expired migration lock left by ${tookOver.host} pid ${tookOver.pid}`);
      return { store: 'mongo', direction: 'up', done, capabilities, notes };
    } catch (err) {
      throw this.wrap(err);
    }
  }

  private async runUp(selected: string[], all: string[]): Promise<string[]> {
    // migrate-mongo applies every pending file in its folder; `--to` shows it a folder of stubs
    // that re-export only the files up to the target.
    let dir = this.dir;
    let tmp: string | undefined;
    if (selected.length !== all.length) {
      tmp = dir = mkdtempSync(join(tmpdir(), 'rdb-mongo-to-'));
      for (const name of selected) writeFileSync(join(tmp, `${name}.js`), `module.exports = require(${JSON.stringify(join(this.dir, `${name}.js`))});\n`);
    }
    try {
      return (await this.mm((m) => m.up(this.db, this.client), dir)).map(stem);
    } catch (err) {
      throw this.scriptFailure(err, 'up');
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  }

  private scriptFailure(err: unknown, direction: 'up' | 'down'): RecruitDbError {
    const message = err instanceof Error ? err.message : String(err);
    const m = /^Could not migrate (?:up|down) (\S+): ([\s\S]*)$/.exec(message);
    if (!m) return this.wrap(err);
    const done = ((err as { migrated?: string[] }).migrated ?? []).map(stem);
    const after = done.length ? ` after applying ${done.join(', ')}` : '';
    return new RecruitDbError({
      code: 'migration-failed',
      store: 'mongo',
      exitCode: EXIT.DRIFT,
      message: `migration ${stem(m[1])} failed (${direction})${after}: ${m[2].split('\n')[0]}`,
      hint: direction === 'up' ? 'it was not recorded as applied; fix the script or the server and run migrate again' : 'it is still recorded as applied; fix the script and run rollback again',
      cause: err,
    });
  }

  async down(opts: DownOptions): Promise<MigrateResult> {
    try {
      const appliedEntries = (await this.entries()).filter(isApplied);
      const applied = appliedEntries.map((e) => e.name);
      let targets: string[];
      if (opts.all) targets = [...applied];
      else if (opts.to !== undefined) {
        const to = this.resolveName(opts.to, this.files().map(stem), '--to');
        targets = applied.filter((n) => n > to);
      } else if (opts.steps !== undefined) {
        const steps = opts.steps;
        if (!Number.isInteger(steps) || steps < 1) throw usageError(`--steps must be a positive whole number, got ${steps}`, 'pass e.g. --steps 1');
        targets = applied.slice(-steps);
      } else {
        // The last batch, as for PostgreSQL: what the last migrate applied.
        const last = Math.max(0, ...appliedEntries.map((e) => e.batch ?? 0));
        targets = appliedEntries.filter((e) => (e.batch ?? 0) === last).map((e) => e.name);
      }
      targets.reverse();
      if (opts.dryRun) {
        const plan: string[] = [];
        const target = planningTarget(this.db, plan);
        for (const name of targets) {
          plan.push(`// ${name}`);
          await this.load(name).down(target, this.client);
        }
        return { store: 'mongo', direction: 'down', done: [], plan, capabilities: await this.capabilities(), notes: [`dry run: ${targets.length} migration(s) would be reverted, nothing changed`] };
      }
      const { value: done } = await withMigrationLock(this.db, this.lease, async () => {
        const reverted: string[] = [];
        // Re-read under the lock: another run may have changed the changelog meanwhile.
        const now = new Set((await this.entries()).filter(isApplied).map((e) => e.name));
        for (const name of targets) {
          if (!now.has(name)) continue;
          let out: string[];
          try {
            out = await this.mm((m) => m.down(this.db, this.client));
          } catch (err) {
            throw this.scriptFailure(err, 'down');
          }
          reverted.push(...out.map(stem));
        }
        return reverted;
      });
      const capabilities = await this.capabilities();
      return { store: 'mongo', direction: 'down', done, capabilities, notes: [] };
    } catch (err) {
      throw this.wrap(err);
    }
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}

export async function openMongoMigrator(config: Config, opts: MongoMigratorOptions = {}): Promise<StoreMigrator> {
  const mongo = requireStore(config, 'mongo');
  const migrationsDir = opts.migrationsDir ?? mongoMigrationsDir();
  if (!existsSync(migrationsDir)) {
    throw new RecruitDbError({
      code: 'no-migrations',
      store: 'mongo',
      message: `no MongoDB migrations folder at ${migrationsDir}`,
      hint: process.env.RECRUIT_DB_MONGO_MIGRATIONS_DIR ? 'fix RECRUIT_DB_MONGO_MIGRATIONS_DIR' : 'run `npm run build` (the scripts run compiled from dist/mongo-migrations)',
    });
  }
  const lease = {
    leaseMs: opts.leaseMs ?? config.locks.mongoLeaseMs,
    waitMs: opts.lockWaitMs ?? config.locks.waitMs,
  };
  const client = await connectMongo(mongo, config.timeoutMs, opts.onCommand ? { monitorCommands: true } : {});
  if (opts.onCommand) client.on('commandStarted', opts.onCommand);
  return new MongoMigrator(client, mongo, config.timeoutMs, migrateMongoConfig(config, migrationsDir), lease);
}
