import type { Config } from '../config';
import { RecruitDbError } from '../errors';
import { checkSeed, liveContent, seed } from './content';
import { dropNames, namesOf, type Clients } from './copy';
import type { TemplateKey, TemplateSpec } from './key';
import { templateNames } from './names';
import { openControl, type Control, type TemplateRow } from './records';
import { stackConfig } from './stack';

/**
 * One template per key, built by one process while the others wait (IntegreSQL, pgtestdb): an
 * exclusive advisory lock on the key while building or dropping, a shared one while copying. The
 * record says `ready` only after migrate, seed and verify all passed and the PostgreSQL database was
 * sealed; anything else is a half-built template that is never copied: the next builder drops it and
 * starts over. The locks are session locks, so a killed builder frees them with its connection.
 */

export interface TemplateContext {
  base: Config & { postgres: NonNullable<Config['postgres']> };
  spec: TemplateSpec;
  key: TemplateKey;
  clients: Clients;
  /** How long to wait for another process's build (or for copies before a drop). */
  waitMs: number;
  onEvent: (e: CiEvent) => void;
}

export type CiEvent =
  | { type: 'template-build'; key: string }
  | { type: 'template-built'; key: string; ms: number; phases: Record<string, number> }
  | { type: 'template-failed'; key: string; error: string }
  | { type: 'stack-created'; id: string; copyMs: Record<string, number> }
  | { type: 'refill-error'; error: string }
  /** A lease could not be renewed (the server was unreachable): the stack may be reclaimed when it runs out. */
  | { type: 'renew-error'; error: string };

function waitedTooLong(ctx: TemplateContext): RecruitDbError {
  return new RecruitDbError({
    code: 'template-busy',
    message: `another process has held the CI template ${ctx.key.short} (pool ${ctx.spec.pool}) for more than ${Math.round(ctx.waitMs / 1000)} s`,
    hint: 'wait for its build to finish (recruit-db ci status), or raise RECRUIT_DB_CI_BUILD_WAIT_MS',
  });
}

/** Every store of the template migrated in one run; the first store that failed is thrown as its error. */
async function migrate(config: Config, stores: TemplateSpec['stores']): Promise<void> {
  const { runMigrate } = await import('../migrations');
  const run = await runMigrate(config, { stores });
  const failed = run.outcomes.find((o) => o.error);
  if (failed?.error) throw new RecruitDbError({ ...failed.error, store: failed.store });
}

async function build(ctx: TemplateContext, session: Control, previous: TemplateRow | undefined): Promise<TemplateRow> {
  const { spec, key } = ctx;
  const names = templateNames(spec.pool, key.short, spec.stores);
  ctx.onEvent({ type: 'template-build', key: key.key });
  // Left by a builder that died (state building) or failed: ours by record and name, dropped first.
  if (previous) await dropNames(session.sql, ctx.clients, namesOf(previous));
  await session.startTemplate({
    pool: spec.pool,
    key: key.key,
    lineage: key.lineage,
    stores: spec.stores,
    pg_database: names.postgres ?? null,
    mongo_db: names.mongo ?? null,
    s3_bucket: names.s3 ?? null,
    inputs: key.inputs,
  });
  const phases: Record<string, number> = {};
  let t = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - t);
    t = now;
  };
  try {
    const pgStore = await import('./stores/postgres');
    if (names.postgres) await pgStore.createDatabase(session.sql, names.postgres);
    const config = stackConfig(ctx.base, names);
    await migrate(config, spec.stores);
    phase('migrate');
    // The key's seed spec, as-of resolved: the template holds exactly what its key names.
    const content = key.inputs.seed ? await seed(config, spec.stores, key.inputs.seed) : await liveContent(config, spec.stores);
    phase('seed');
    const { runVerify } = await import('../verify/run');
    const verified = await runVerify(config, { only: spec.stores, summaryPath: spec.summaryPath });
    phase('verify');
    if (verified.verdict.exitCode !== 0) {
      const failed = verified.reports.flatMap((r) => r.items).filter((i) => i.status !== 'ok' && i.status !== 'warning');
      throw new RecruitDbError({
        code: 'template-drift',
        message: `the CI template does not verify against the summary: ${failed.length} failure(s), first: ${failed[0] ? `${failed[0].store} ${failed[0].kind} ${failed[0].name} ${failed[0].status}` : 'unknown'}`,
        hint: 'run `recruit-db up` on a fresh target and `recruit-db verify` to see the drift',
        exitCode: 1,
      });
    }
    if (names.postgres) await pgStore.sealTemplate(session.sql, config, names.postgres);
    phase('seal');
    const row = await session.finishTemplate(spec.pool, key.key, { hash: content.hash, stores: content.stores as Record<string, string> }, phases);
    ctx.onEvent({ type: 'template-built', key: key.key, ms: row.build_ms ?? 0, phases });
    return row;
  } catch (err) {
    const message = err instanceof RecruitDbError ? err.oneLine() : String((err as Error)?.message ?? err).split('\n')[0];
    ctx.onEvent({ type: 'template-failed', key: key.key, error: message });
    await dropNames(session.sql, ctx.clients, names).catch(() => undefined);
    await session.failTemplate(spec.pool, key.key, message).catch(() => undefined);
    throw err;
  }
}

/**
 * Runs `work` with the key's ready template, building it first if needed, and holding the shared lock
 * throughout so gc cannot drop the template mid-copy. `work` gets the session (a PostgreSQL connection
 * to the control database) for its own statements.
 */
export async function withTemplate<T>(ctx: TemplateContext, work: (template: TemplateRow, session: Control, built: boolean) => Promise<T>): Promise<T> {
  if (ctx.spec.seed) await checkSeed(ctx.spec.seed);
  // Building and copying write to every store of the stack: each server's stamp is read first.
  await ctx.clients.open(ctx.spec.stores);
  const { pool } = ctx.spec;
  const { key } = ctx.key;
  const session = await openControl(ctx.base);
  try {
    if (!(await session.lock('template', pool, key, { shared: true, waitMs: ctx.waitMs }))) throw waitedTooLong(ctx);
    let template = await session.template(pool, key);
    let built = false;
    if (template?.state !== 'ready') {
      await session.unlock('template', pool, key, true);
      if (!(await session.lock('template', pool, key, { waitMs: ctx.waitMs }))) throw waitedTooLong(ctx);
      // Whoever held the lock before us may have built it meanwhile.
      template = await session.template(pool, key);
      if (template?.state !== 'ready') {
        template = await build(ctx, session, template);
        built = true;
      }
      // Keep a shared hold for the copy and let the waiting copiers in.
      await session.lock('template', pool, key, { shared: true, waitMs: ctx.waitMs });
      await session.unlock('template', pool, key);
    }
    return await work(template, session, built);
  } finally {
    // Closing the session frees its locks.
    await session.close();
  }
}

/** Drops a template's objects and record, unless a build or a copy holds it (then: false). */
export async function dropTemplate(base: TemplateContext['base'], clients: Clients, row: TemplateRow): Promise<boolean> {
  const session = await openControl(base);
  try {
    if (!(await session.tryLock('template', row.pool, row.key))) return false;
    await dropNames(session.sql, clients, namesOf(row));
    await session.deleteTemplate(row.pool, row.key);
    return true;
  } finally {
    await session.close();
  }
}
