import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandStartedEvent, Db, Document, MongoClient } from 'mongodb';
import { migrationLimits, requireStore, type Config, type MongoConfig } from '../../config';
import { EXIT, RecruitDbError, usageError } from '../../errors';
import { tookOverText } from '../../lease';
import { ROOT } from '../../paths';
import { maskUrl } from '../../secrets';
import { refuseProduction, type StoreMeta } from '../meta';
import {
  changedMigrationError,
  fileChecksum,
  isApplied,
  planAndApply,
  runStartedAt,
  selectForDown,
  type DownOptions,
  type MigrateResult,
  type MigrationEntry,
  type MigrationStatus,
  type RunContext,
  type RunInfo,
  type StoreMigrator,
  type StorePlan,
  type UpOptions,
} from '../migrator';
import { readCapabilities, type CommandTarget } from './apply';
import { COLLECTION_NAMES, INTERNAL } from './collections';
import { connectMongo, mongoError, serverWords } from './connect';
import { isBookkeepingCollection } from './introspect';
import { coveredBy, fastForward, readFastForward, type FastForward } from './fastforward';
import { foldRecords, lanesOf, runLanes, touchedCollections } from './lanes';
import { withMongoLock } from './lock';
import { readMongoMeta, stampMongoEnv } from './meta';
import { mongoMigrationsDir } from './mmconfig';

/**
 * MongoDB migrations: the scripts in mongo-migrations/ (compiled to dist/), recorded in
 * migrate-mongo's changelog format ({fileName, appliedAt, migrationBlock}), so the plain
 * migrate-mongo CLI reads the same state; recruit-db adds a checksum and the run id to each entry,
 * and runs every change under an atomic lease lock (migrate-mongo's own lock is disabled, see
 * mmconfig.ts).
 *
 * Kill safety: an entry is written only after its script's `up` finished (the scripts are
 * idempotent, so a re-run after a kill converges), and a rollback marks the entry `reverting`
 * before its `down` runs and deletes it after: a rollback killed in between leaves the entry marked,
 * status reports it as interrupted, and the next migrate or rollback finishes the job. The changelog
 * never says "applied" for a collection a killed rollback dropped.
 *
 * An empty database (bookkeeping only, empty changelog) gets the released state the scripts stand
 * for directly (fastforward.ts), or else runs its scripts side by side where they touch different
 * collections (runConcurrently, lanes.ts); either writes the capability record and the changelog
 * once, at the end: the same result, far fewer commands, and a kill records nothing (the next
 * migrate drops the empty collections it left and starts over: startsEmpty).
 */
export interface MongoMigratorOptions {
  migrationsDir?: string;
  /** Lock lease; a killed run blocks others at most this long. Default: config.locks.mongoLeaseMs. */
  leaseMs?: number;
  /** How long to wait for another run's lock. Default: config.locks.waitMs. */
  lockWaitMs?: number;
  /** Sees every command sent (command monitoring); tests assert the exact commands with it. */
  onCommand?: (event: CommandStartedEvent) => void;
  /** Never run scripts concurrently, even on an empty database (tests compare both paths). */
  oneByOne?: boolean;
  /** On an empty database, replay the scripts (side by side) even where a released state stands for them (tests compare the paths). */
  noFastForward?: boolean;
}

interface ChangelogEntry {
  fileName: string;
  appliedAt: Date;
  migrationBlock?: number;
  checksum?: string;
  runId?: string;
  /** Set while a rollback of this script is in progress: when it started (ISO). */
  reverting?: string;
}

interface Script {
  up(db: CommandTarget, client: MongoClient): Promise<void>;
  down(db: CommandTarget, client: MongoClient): Promise<void>;
}

const stem = (fileName: string) => fileName.replace(/\.js$/, '');
const pseudoRunId = (block: number | undefined) => `migrate-mongo-${block ?? 'unknown'}`;

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

interface State {
  entries: MigrationEntry[];
  log: Map<string, ChangelogEntry>;
}

class MongoMigrator implements StoreMigrator {
  readonly store = 'mongo' as const;
  private readonly db: Db;

  constructor(
    private readonly config: Config,
    private readonly client: MongoClient,
    private readonly mongo: MongoConfig,
    private readonly dir: string,
    private readonly lease: { leaseMs: number; waitMs: number },
    private readonly oneByOne = false,
    private readonly noFastForward = false,
  ) {
    this.db = client.db(mongo.db);
    Object.freeze(this.lease);
  }

  private get changelog() {
    return this.db.collection<ChangelogEntry>(INTERNAL.changelog);
  }

  private files(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.js'))
      .sort()
      .map(stem);
  }

  /**
   * The file a script's checksum covers: our TypeScript source when the scripts are the compiled
   * mongo-migrations/ (dist/ is rebuilt, never edited by hand), else the script that runs.
   */
  private sourceOf(name: string): string {
    const ts = join(ROOT, 'mongo-migrations', `${name}.ts`);
    return this.dir === join(ROOT, 'dist', 'mongo-migrations') && existsSync(ts) ? ts : join(this.dir, `${name}.js`);
  }

  private target(): string {
    return `${maskUrl(this.mongo.uri)} (database ${this.mongo.db})`;
  }

  private wrap(err: unknown): RecruitDbError {
    if (err instanceof RecruitDbError) return err;
    return mongoError(err, this.mongo, this.config.timeoutMs);
  }

  private async readState(): Promise<State> {
    const names = this.files();
    const onDisk = new Set(names);
    const rows = await this.changelog.find({}).sort({ fileName: 1 }).toArray();
    const log = new Map(rows.map((l) => [stem(String(l.fileName)), l]));
    // Runs are numbered like PostgreSQL's batches: 1 for the first, in the order they started.
    const blocks = [...new Set(rows.map((l) => Number(l.migrationBlock)).filter(Number.isFinite))].sort((a, b) => a - b);
    const batchOf = (l: ChangelogEntry) => (Number.isFinite(Number(l.migrationBlock)) ? blocks.indexOf(Number(l.migrationBlock)) + 1 : undefined);
    const entries: MigrationEntry[] = [];
    for (const name of names) {
      const l = log.get(name);
      if (!l) {
        entries.push({ name, state: 'pending' });
        continue;
      }
      // No recorded checksum: applied by the plain migrate-mongo CLI; the next migrate records one.
      const changed = typeof l.checksum === 'string' && l.checksum !== fileChecksum(this.sourceOf(name));
      entries.push({
        name,
        state: l.reverting ? 'interrupted' : changed ? 'changed' : 'applied',
        appliedAt: l.appliedAt instanceof Date ? l.appliedAt.toISOString() : undefined,
        batch: batchOf(l),
        runId: l.runId ?? pseudoRunId(l.migrationBlock),
      });
    }
    for (const [name, l] of log) {
      if (!onDisk.has(name)) entries.push({ name, state: 'missing', appliedAt: l.appliedAt instanceof Date ? l.appliedAt.toISOString() : undefined, batch: batchOf(l) });
    }
    return { entries: entries.sort((a, b) => byCodeUnits(a.name, b.name)), log };
  }

  private async state(): Promise<State> {
    try {
      return await this.readState();
    } catch (err) {
      throw this.wrap(err);
    }
  }

  private resolveName(to: string, names: string[], flag: string): string {
    const wanted = stem(to);
    const hit = names.find((n) => n === wanted) ?? names.filter((n) => n.startsWith(wanted)).reduce<string | undefined>((acc, n) => (acc === undefined ? n : 'ambiguous'), undefined);
    if (!hit || hit === 'ambiguous') {
      throw usageError(`${flag} ${to} names no single MongoDB migration`, `use one of: ${names.slice(-5).join(', ')}${names.length > 5 ? ', ...' : ''}`);
    }
    return hit;
  }

  /** Loads a script and checks its shape: a script that cannot run is refused before anything is written. */
  private load(name: string): Script {
    const path = join(this.dir, `${name}.js`);
    let mod: Partial<Script> & { default?: Partial<Script> };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(path);
    } catch (err) {
      throw new RecruitDbError({ code: 'migration-load', store: 'mongo', message: `cannot load migration ${name}: ${String((err as Error)?.message ?? err).split('\n')[0]}; nothing was changed`, hint: `fix ${this.sourceOf(name)}`, exitCode: EXIT.DRIFT, cause: err });
    }
    const m = typeof mod.up === 'function' ? mod : (mod.default ?? {});
    if (typeof m.up !== 'function' || typeof m.down !== 'function') {
      throw new RecruitDbError({ code: 'migration-invalid', store: 'mongo', message: `migration ${name} does not export both up and down functions; nothing was changed`, hint: `export async function up(db) and down(db) from ${this.sourceOf(name)}`, exitCode: EXIT.DRIFT });
    }
    return m as Script;
  }

  private changedOrRefuse(entries: MigrationEntry[], accept: boolean | undefined): string[] {
    const changed = entries.filter((e) => e.state === 'changed').map((e) => e.name);
    if (changed.length && !accept) throw changedMigrationError('mongo', changed.map((n) => this.sourceOf(n)));
    return changed;
  }

  /** Up: the pending scripts (and those whose rollback was interrupted), up to --to, at most --steps. */
  private selectUp(entries: MigrationEntry[], opts: UpOptions): string[] {
    const names = this.files();
    const to = opts.to === undefined ? undefined : this.resolveName(opts.to, names, '--to');
    let todo = entries.filter((e) => (e.state === 'pending' || e.state === 'interrupted') && (to === undefined || e.name <= to)).map((e) => e.name);
    if (opts.steps !== undefined) todo = todo.slice(0, opts.steps);
    return todo;
  }

  /** Down: interrupted rollbacks first (finishing them), then the selection, newest first. */
  private selectDown(entries: MigrationEntry[], opts: DownOptions): string[] {
    const interrupted = entries.filter((e) => e.state === 'interrupted').map((e) => e.name).reverse();
    // A half-reverted script still belongs to its run: a plain rollback finishes that run, no more.
    const applied = entries.filter((e) => this.revertible(e)).map((e) => ({ name: e.name, runId: e.runId }));
    const hasSelector = opts.all || opts.steps !== undefined || opts.to !== undefined || opts.runId !== undefined;
    const runId = hasSelector ? opts.runId : applied.reduce<{ runId?: string; at: string } | undefined>((best, a) => {
      const at = this.runAt(a.runId);
      return !best || at > best.at ? { runId: a.runId, at } : best;
    }, undefined)?.runId;
    const picked = selectForDown(applied, { ...opts, runId }, (to) => this.resolveName(to, this.files(), '--to'));
    return [...interrupted, ...picked.filter((n) => !interrupted.includes(n))];
  }

  /** Whether a revert of this script is due: applied, or a revert of it was interrupted. */
  private revertible(e: MigrationEntry): boolean {
    return isApplied(e) || e.state === 'interrupted';
  }

  private runAt(runId: string | undefined): string {
    if (!runId) return '';
    const at = runStartedAt(runId);
    if (at) return at;
    const block = Number(/^migrate-mongo-(\d+)$/.exec(runId)?.[1]);
    return Number.isFinite(block) ? new Date(block).toISOString() : '';
  }

  async status(): Promise<MigrationStatus> {
    try {
      const { entries } = await this.state();
      const capabilities = await readCapabilities(this.db);
      // Unsupported features are reported once, through `capabilities`, not repeated as notes.
      const notes: string[] = [];
      if (entries.some((e) => e.state === 'missing')) notes.push('some applied migrations have no file in ' + this.dir);
      if (entries.some((e) => e.state === 'changed')) notes.push('an applied migration was edited since it ran: migrate refuses until the edit is reverted or accepted with --accept-changed');
      for (const e of entries.filter((x) => x.state === 'interrupted')) notes.push(`the rollback of ${e.name} was interrupted (killed?): what it created may be half gone; the next migrate re-applies it, the next rollback finishes reverting it`);
      return { store: 'mongo', target: this.target(), entries, capabilities, notes };
    } catch (err) {
      throw this.wrap(err);
    }
  }

  async meta(): Promise<StoreMeta> {
    try {
      return await readMongoMeta(this.db);
    } catch (err) {
      throw this.wrap(err);
    }
  }

  async lastRun(): Promise<RunInfo | undefined> {
    const { entries } = await this.state();
    const runs = new Map<string, RunInfo>();
    for (const e of entries.filter((x) => this.revertible(x))) {
      const id = e.runId!;
      const run = runs.get(id) ?? { runId: id, at: this.runAt(id), names: [] };
      run.names.push(e.name);
      runs.set(id, run);
    }
    return [...runs.values()].sort((a, b) => byCodeUnits(a.at, b.at)).pop();
  }

  async planUp(opts: UpOptions): Promise<StorePlan> {
    validateSteps(opts.steps);
    const { entries } = await this.state();
    this.changedOrRefuse(entries, opts.acceptChanged);
    const todo = this.selectUp(entries, opts);
    for (const name of todo) this.load(name);
    const notes = entries.filter((e) => e.state === 'interrupted' && todo.includes(e.name)).map((e) => `re-applying ${e.name}, whose rollback was interrupted`);
    return { store: 'mongo', direction: 'up', names: todo, dryRun: Boolean(opts.dryRun), notes, request: opts };
  }

  async planDown(opts: DownOptions): Promise<StorePlan> {
    const chosen = [opts.steps !== undefined, opts.to !== undefined, Boolean(opts.all), opts.runId !== undefined].filter(Boolean).length;
    if (chosen > 1) throw usageError('pass only one of --steps, --to and --all', 'e.g. recruit-db rollback --steps 1');
    validateSteps(opts.steps);
    if (!opts.dryRun) refuseProduction(this.config, [await this.meta()], opts.allowProduction, 'roll back MongoDB migrations');
    const { entries } = await this.state();
    const todo = this.selectDown(entries, opts);
    for (const name of todo) this.load(name);
    const notes = entries.filter((e) => e.state === 'interrupted').map((e) => `finishing the interrupted rollback of ${e.name}`);
    return { store: 'mongo', direction: 'down', names: todo, dryRun: Boolean(opts.dryRun), notes, request: opts };
  }

  async apply(plan: StorePlan, run: RunContext): Promise<MigrateResult> {
    const up = plan.direction === 'up';
    try {
      if (plan.dryRun) {
        const { entries } = await this.state();
        const todo = up ? this.selectUp(entries, plan.request) : this.selectDown(entries, plan.request as DownOptions);
        const statements: string[] = [];
        const target = planningTarget(this.db, statements);
        for (const name of todo) {
          statements.push(`// ${plan.direction} ${name}`);
          await this.load(name)[plan.direction](target, this.client);
        }
        const verb = up ? 'would run' : 'would be reverted';
        const notes = [...plan.notes, `dry run: ${todo.length} migration(s) ${verb}, nothing changed`];
        // The commands above are the scripts'; on an empty database the run sends others (same end state).
        const covered = up && !(plan.request as UpOptions).oneByOne && (await this.fromEmpty(todo));
        if (covered) notes.push(`this database is empty: migrate would create the state the first ${covered} of them build directly (the same collections, validators and indexes, in fewer commands than listed; --one-by-one runs the scripts as listed)`);
        return { store: 'mongo', direction: plan.direction, done: [], plan: statements, capabilities: await readCapabilities(this.db), notes };
      }
      const notes = [...plan.notes];
      const onWait = (text: string) => run.onProgress?.({ store: 'mongo', phase: 'waiting for the migration lock', state: 'notice', detail: text });
      const { value: done, tookOver } = await withMongoLock(this.db, 'migrate', { what: 'migration', ...this.lease, onWait }, async () => {
        // Read under the lock: what another run applied meanwhile counts.
        const { entries, log } = await this.readState();
        await stampMongoEnv(this.db, this.config.env);
        if (up) {
          const request = plan.request as UpOptions;
          const changed = this.changedOrRefuse(entries, request.acceptChanged);
          const todo = this.selectUp(entries, request);
          const ran = !this.oneByOne && !request.oneByOne && log.size === 0 && (await this.startsEmpty(notes)) ? await this.runFromEmpty(todo, run) : await this.runScripts(todo, 'up', run);
          // Adopt what another tool applied (no checksum yet), and accepted edits.
          const unchecked = entries.filter((e) => isApplied(e) && typeof log.get(e.name)?.checksum !== 'string').map((e) => e.name);
          for (const name of [...unchecked, ...(request.acceptChanged ? changed : [])]) {
            await this.changelog.updateOne({ fileName: `${name}.js` }, { $set: { checksum: fileChecksum(this.sourceOf(name)) } });
          }
          if (request.acceptChanged && changed.length) notes.push(`recorded new checksums for ${changed.join(', ')}`);
          return ran;
        }
        return this.runScripts(this.selectDown(entries, plan.request as DownOptions), 'down', run);
      });
      if (tookOver) notes.unshift(tookOverText(tookOver, 'migration'));
      if (!done.length && !notes.length) notes.push(up ? 'already up to date' : 'nothing to roll back');
      return { store: 'mongo', direction: plan.direction, done, capabilities: await readCapabilities(this.db), notes, runId: run.runId };
    } catch (err) {
      throw this.wrap(err);
    }
  }

  /**
   * Only bookkeeping collections (or none): nothing a script could find and have to convert. Also
   * true, after dropping them, when the changelog is empty and every other collection is one of the
   * platform's, holding no document: what a first migrate killed before it recorded anything
   * leaves (runFromEmpty writes nothing until every collection is done). Those collections may be
   * in any release's state, which scripts replayed over them cannot always reach (an index of the
   * same name on another key); empty, they hold nothing to keep.
   */
  private async startsEmpty(notes: string[]): Promise<boolean> {
    const listed = (await this.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => !isBookkeepingCollection(n));
    if (!listed.length) return true;
    if (!listed.every((n) => COLLECTION_NAMES.includes(n))) return false;
    for (const name of listed) if ((await this.db.collection(name).countDocuments({}, { limit: 1 })) > 0) return false;
    for (const name of listed) await this.db.collection(name).drop();
    notes.push(`dropped ${listed.length} empty collection(s) an earlier migrate created and never recorded (killed?): ${listed.join(', ')}`);
    return true;
  }

  /** The released state the fast path can create for the first `covered` of `todo` (0: none). */
  private fastForwardOf(todo: string[]): { ff: FastForward | undefined; covered: number } {
    const ff = !this.noFastForward && this.dir === mongoMigrationsDir({}) ? readFastForward() : undefined;
    return { ff, covered: coveredBy(ff, todo, (name) => fileChecksum(this.sourceOf(name))) };
  }

  /**
   * For a dry run, without writing: how many of `todo` an up would create directly (runFromEmpty's
   * fast path), 0 when it would run the scripts. Like startsEmpty, but never drops what a killed
   * run left: such a database is not counted as empty here, so the note errs towards the scripts.
   */
  private async fromEmpty(todo: string[]): Promise<number> {
    if (this.oneByOne || !todo.length) return 0;
    if ((await this.changelog.countDocuments({}, { limit: 1 })) > 0) return 0;
    const listed = (await this.db.listCollections({}, { nameOnly: true }).toArray()).filter((c) => !isBookkeepingCollection(c.name));
    return listed.length ? 0 : this.fastForwardOf(todo).covered;
  }

  /**
   * The `up` of scripts on an empty database: the released state they stand for created directly
   * (fastforward.ts) when it provably does, then any later scripts one by one; otherwise the
   * scripts side by side (runConcurrently). The fast path records like runConcurrently: nothing
   * until every collection is done, so a run killed halfway leaves empty collections and no
   * changelog, which the next migrate drops and starts over from (startsEmpty).
   */
  private async runFromEmpty(todo: string[], run: RunContext): Promise<string[]> {
    const { ff, covered } = this.fastForwardOf(todo);
    if (!ff || !covered) return this.runConcurrently(todo, run);
    const names = todo.slice(0, covered);
    run.onProgress?.({ store: 'mongo', phase: 'migrate', state: 'start', done: 0, total: todo.length, unit: 'migrations', detail: `${names.length} migrations as one released state` });
    const lanes = await fastForward(this.db, this.client, ff);
    if (lanes.failed) {
      throw this.scriptFailure(lanes.failed.error, `${names[0]}..${names[names.length - 1]} (created in their released state on an empty database)`, 'up', []);
    }
    const records = foldRecords(lanes.records.flat());
    if (records.length) await this.db.command({ update: INTERNAL.capabilities, updates: records, ordered: true });
    const block = blockOf(run);
    const at = new Date();
    // The checksums coveredBy has just compared the files with.
    await this.changelog.insertMany(ff.scripts.map(([name, checksum]) => ({ fileName: `${name}.js`, appliedAt: at, migrationBlock: block, checksum, runId: run.runId })));
    const rest = todo.slice(covered);
    if (!rest.length) {
      run.onProgress?.({ store: 'mongo', phase: 'migrate', state: 'end', done: todo.length, total: todo.length, unit: 'migrations' });
      return names;
    }
    return [...names, ...(await this.runScripts(rest, 'up', run))];
  }

  /**
   * The `up` of scripts on an empty database, concurrently where they touch different collections
   * (lanes.ts), with what the one-by-one run records: the changelog entries of the scripts before
   * the first one that failed (each with the time its script finished) and, before them, their
   * capability-record updates in script order. Both are written only once every script has settled,
   * so a run killed halfway has recorded nothing; the next migrate drops the empty collections it
   * left and starts over (startsEmpty).
   */
  private async runConcurrently(names: string[], run: RunContext): Promise<string[]> {
    const scripts = names.map((name) => this.load(name));
    const touched = await touchedCollections(scripts);
    if (!touched) return this.runScripts(names, 'up', run);
    const progress = (state: 'start' | 'advance' | 'end', done: number, detail?: string) =>
      run.onProgress?.({ store: 'mongo', phase: 'migrate', state, done, total: names.length, unit: 'migrations', detail });
    progress('start', 0);
    let started = 0;
    const lanes = await runLanes(this.db, this.client, scripts, lanesOf(touched), (i) => progress('advance', started++, names[i]));
    const ok = lanes.failed ? lanes.failed.index : names.length;
    const records = foldRecords(lanes.records.slice(0, ok).flat());
    if (records.length) await this.db.command({ update: INTERNAL.capabilities, updates: records, ordered: true });
    const block = blockOf(run);
    const entries = names.slice(0, ok).map((name, i) => ({ fileName: `${name}.js`, appliedAt: lanes.finishedAt[i]!, migrationBlock: block, checksum: fileChecksum(this.sourceOf(name)), runId: run.runId }));
    if (entries.length) await this.changelog.insertMany(entries);
    if (lanes.failed) throw this.scriptFailure(lanes.failed.error, names[ok], 'up', names.slice(0, ok));
    progress('end', names.length);
    return names;
  }

  /** Runs scripts in order; each changelog change follows (up) or brackets (down) its script. */
  private async runScripts(names: string[], direction: 'up' | 'down', run: RunContext): Promise<string[]> {
    const done: string[] = [];
    const block = blockOf(run);
    const phaseName = direction === 'up' ? 'migrate' : 'rollback';
    run.onProgress?.({ store: 'mongo', phase: phaseName, state: 'start', total: names.length, unit: 'migrations' });
    for (const name of names) {
      run.onProgress?.({ store: 'mongo', phase: phaseName, state: 'advance', done: done.length, total: names.length, unit: 'migrations', detail: name });
      const fileName = `${name}.js`;
      const script = this.load(name);
      try {
        if (direction === 'up') {
          await script.up(this.db, this.client);
          await this.changelog.updateOne(
            { fileName },
            { $set: { fileName, appliedAt: new Date(), migrationBlock: block, checksum: fileChecksum(this.sourceOf(name)), runId: run.runId }, $unset: { reverting: '' } },
            { upsert: true },
          );
        } else {
          await this.changelog.updateOne({ fileName }, { $set: { reverting: new Date().toISOString() } });
          await script.down(this.db, this.client);
          await this.changelog.deleteOne({ fileName });
        }
      } catch (err) {
        throw this.scriptFailure(err, name, direction, done);
      }
      done.push(name);
    }
    run.onProgress?.({ store: 'mongo', phase: phaseName, state: 'end', done: done.length, total: names.length, unit: 'migrations' });
    return done;
  }

  private scriptFailure(err: unknown, name: string, direction: 'up' | 'down', done: string[]): RecruitDbError {
    const wrapped = this.wrap(err);
    // The server went away, or did not answer: the script is fine, the connection is not.
    if (['unreachable', 'timeout', 'connection-lost', 'auth-failed', 'unknown-host'].includes(wrapped.code)) return wrapped;
    const after = done.length ? ` after ${direction === 'up' ? 'applying' : 'reverting'} ${done.join(', ')}` : '';
    return new RecruitDbError({
      code: 'migration-failed',
      store: 'mongo',
      exitCode: EXIT.DRIFT,
      message: `migration ${name} failed (${direction})${after}: ${serverWords(err)}`,
      hint:
        direction === 'up'
          ? 'it was not recorded as applied; fix the script or the server and run migrate again'
          : 'it is marked as being rolled back; fix the script and run rollback again (or migrate, to re-apply it)',
      cause: err,
    });
  }

  up(opts: UpOptions): Promise<MigrateResult> {
    return planAndApply(this, 'up', opts);
  }

  down(opts: DownOptions): Promise<MigrateResult> {
    return planAndApply(this, 'down', opts);
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}

/** migrate-mongo's migrationBlock of a run: when it started, in ms. */
function blockOf(run: RunContext): number {
  const started = runStartedAt(run.runId);
  return started ? Date.parse(started) : Date.now();
}

function validateSteps(steps: number | undefined): void {
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1)) throw usageError(`--steps must be a positive integer, got "${steps}"`, 'e.g. --steps 1');
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
  // An index build may take long: operations get the migration statement bound, not the upload one.
  const extra = { socketTimeoutMS: migrationLimits(config).statementTimeoutMs, ...(opts.onCommand ? { monitorCommands: true } : {}) };
  const client = await connectMongo(mongo, config.timeoutMs, extra);
  if (opts.onCommand) client.on('commandStarted', opts.onCommand);
  return new MongoMigrator(config, client, mongo, migrationsDir, lease, opts.oneByOne, opts.noFastForward);
}

// ---------------------------------------------------------------------------------------------
// make --store mongo
// ---------------------------------------------------------------------------------------------

const NAME = /^[a-z][a-z0-9]*([_-][a-z0-9]+)*$/;

/** Where `make --store mongo` writes: the TypeScript sources (never dist/), or the folder given. */
export function mongoSourceDir(override?: string): string {
  return override ?? join(ROOT, 'mongo-migrations');
}

/** YYYYMMDDHHMMSS in UTC, the prefix migrate-mongo's own `create` gives a script. */
/**
 * The order sort() without a comparator gives, the one files() lists the scripts in: names and ISO
 * times are ASCII, where it is also the order of code points. Not localeCompare: its first call
 * builds an ICU collator, ~15 ms of CPU in every MongoDB command, for an order no locale should change.
 */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The next script's timestamp: now, or one past the highest existing one if that sorts later. */
export function nextMongoStamp(dir: string, now = new Date()): string {
  const highest = (existsSync(dir) ? readdirSync(dir) : [])
    .map((f) => /^(\d{14})-/.exec(f)?.[1])
    .filter((x): x is string => Boolean(x))
    .sort()
    .pop();
  const current = stamp(now);
  if (!highest || highest < current) return current;
  // One second after the newest, as a time (…235959 is followed by the next day's …000000).
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(highest)!;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isFinite(t) ? stamp(new Date(t + 1000)) : String(BigInt(highest) + 1n);
}

const MONGO_TEMPLATE = (name: string) => `import type { Db } from 'mongodb';

/**
 * ${name.replace(/-/g, ' ')}: say why this change exists.
 *
 * Runs under recruit-db's migration lock and is recorded in the changelog only after \`up\` has
 * finished, so a run that is killed halfway runs \`up\` again: write it to be safe to repeat
 * (create what is missing, leave what exists). \`down\` must undo exactly what \`up\` did, and may
 * also run twice. Never edit this file once it has run anywhere: add a new migration instead.
 *
 * Collections, validators and indexes are defined once, in src/stores/mongo/collections.ts;
 * src/stores/mongo/apply.ts applies them and records what a server cannot hold (FerretDB: no
 * validators, no TTL indexes):
 *
 *   import { applyCollection, dropCollection } from '../src/stores/mongo/apply';
 *   export async function up(db: Db) { await applyCollection(db, 'my_collection'); }
 *   export async function down(db: Db) { await dropCollection(db, 'my_collection'); }
 */
export async function up(db: Db): Promise<void> {
  // e.g. await db.command({ createIndexes: 'event_log', indexes: [{ key: { userId: 1 }, name: 'user' }] });
}

export async function down(db: Db): Promise<void> {
  // e.g. await db.command({ dropIndexes: 'event_log', index: 'user' });
}
`;

/** Creates mongo-migrations/<timestamp>-<name>.ts from the template. */
export function createMongoMigrationFile(name: string, override?: string): { file: string; name: string } {
  if (!NAME.test(name)) {
    throw usageError(`migration name "${name}" is not snake_case or kebab-case`, 'use lowercase letters, digits, _ or -, starting with a letter, e.g. add_event_log_user_index');
  }
  const kebab = name.replace(/_/g, '-');
  const dir = mongoSourceDir(override);
  if (!existsSync(dir)) throw usageError(`MongoDB migrations folder ${dir} does not exist`, 'create it, or fix --migrations-dir');
  const same = readdirSync(dir).find((f) => new RegExp(`^\\d{14}-${kebab}\\.(ts|js)$`).test(f));
  if (same) throw usageError(`a MongoDB migration named ${kebab} already exists (${same}); nothing was created`, 'choose a name that says what this change does');
  const base = `${nextMongoStamp(dir)}-${kebab}`;
  const file = join(dir, `${base}.ts`);
  writeFileSync(file, MONGO_TEMPLATE(kebab), { flag: 'wx' });
  return { file, name: base };
}
