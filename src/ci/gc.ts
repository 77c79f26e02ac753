import { dropNames, namesOf } from './copy';
import type { CiPool } from './pool';
import { isOwnedName, PREFIX } from './names';
import type { StackRow, TemplateRow } from './records';
import { dropTemplate } from './template';

/**
 * gc: takes back what is stale in one pool, following the records only.
 * - stacks whose lease ran out: held by a worker that died (leased), copied by a process that died
 *   (creating), or left half-dropped (dropping);
 * - templates of an older key in the same lineage (the migrations or recruit-db changed), templates
 *   not used for `maxIdleMs`, failed ones and half-built ones nobody is building, each with its ready
 *   stacks (leased stacks stay until released or expired: they are copies, not the template);
 * - with `all`, every template and ready stack of the pool.
 * A name with the pool's prefix but no record is reported and left alone: recruit-db did not
 * create it, or not through this pool's records.
 */

export interface GcOptions {
  all?: boolean;
  /** Templates (of another lineage) unused this long are dropped. Default 24 h. */
  maxIdleMs?: number;
}

export interface GcResult {
  pool: string;
  stacks: Array<{ id: string; reason: string; names: ReturnType<typeof namesOf> }>;
  templates: Array<{ key: string; reason: string }>;
  /** Not dropped now: in use (busy), or dropping failed (error); the next gc tries again. */
  kept: Array<{ what: string; reason: string; error: boolean }>;
  /** Named like the pool's objects, without a record: not touched. */
  unknown: string[];
}

export const DEFAULT_MAX_IDLE_MS = 24 * 3_600_000;

function errorLine(err: unknown): string {
  const e = err as { oneLine?: () => string; message?: string };
  return typeof e?.oneLine === 'function' ? e.oneLine() : String(e?.message ?? err).split('\n')[0];
}

function staleReason(t: TemplateRow, current: { key: string; lineage: string }, opts: GcOptions, building: boolean): string | undefined {
  if (t.key === current.key && !opts.all) return t.state === 'ready' ? undefined : building ? undefined : `${t.state}, nobody is building it`;
  if (opts.all) return 'gc --all';
  if (t.lineage === current.lineage) return 'an older key of the current template (migrations or recruit-db changed)';
  if (t.state !== 'ready') return building ? undefined : `${t.state}, nobody is building it`;
  if (Date.now() - new Date(t.last_used_at).getTime() > (opts.maxIdleMs ?? DEFAULT_MAX_IDLE_MS)) return `unused since ${new Date(t.last_used_at).toISOString()}`;
  return undefined;
}

export async function gcPool(pool: CiPool, opts: GcOptions = {}): Promise<GcResult> {
  const control = pool.control;
  const name = pool.spec.pool;
  const result: GcResult = { pool: name, stacks: [], templates: [], kept: [], unknown: [] };

  const drop = async (rows: StackRow[], reason: string) => {
    for (const row of rows) {
      try {
        await dropNames(control.sql, pool.clients, namesOf(row));
        await control.deleteStack(row.id);
        result.stacks.push({ id: row.id, reason, names: namesOf(row) });
      } catch (err) {
        // Stays `dropping` with a lease: the next gc tries again.
        result.kept.push({ what: `stack ${row.id}`, reason: errorLine(err), error: true });
      }
    }
  };

  await drop(await control.startDrop(`pool = $1 AND state IN ('leased', 'creating', 'dropping') AND lease_until < now()`, [name]), 'lease expired');

  const current = pool.key();
  for (const t of await control.templates(name)) {
    // A template being built holds its lock; a free lock on a non-ready template means its builder died.
    const building = t.state !== 'ready' && !(await isFree(pool, t));
    const reason = staleReason(t, current, opts, building);
    if (!reason) continue;
    await drop(await control.startDrop(`pool = $1 AND template_key = $2 AND state = 'ready'`, [name, t.key]), `its template: ${reason}`);
    try {
      if (await dropTemplate(pool.config, pool.clients, t)) result.templates.push({ key: t.key, reason });
      else result.kept.push({ what: `template ${t.key.slice(0, 10)}`, reason: 'in use (being built or copied)', error: false });
    } catch (err) {
      result.kept.push({ what: `template ${t.key.slice(0, 10)}`, reason: errorLine(err), error: true });
    }
  }

  result.unknown = await unknownNames(pool);
  return result;
}

async function isFree(pool: CiPool, t: TemplateRow): Promise<boolean> {
  if (!(await pool.control.tryLock('template', t.pool, t.key))) return false;
  await pool.control.unlock('template', t.pool, t.key);
  return true;
}

/** Objects on the servers named like this pool's, that no record names. */
async function unknownNames(pool: CiPool): Promise<string[]> {
  const [templates, stacks] = await Promise.all([pool.control.templates(pool.spec.pool), pool.control.stacks(pool.spec.pool)]);
  const known = new Set<string>();
  for (const r of [...templates, ...stacks]) for (const n of Object.values(namesOf(r))) known.add(n);
  const pgPrefix = `${PREFIX}_${pool.spec.pool}_`;
  const found: string[] = [];
  found.push(...(await pool.control.serverNames(pgPrefix)).map((n) => `postgres ${n}`));
  if (pool.config.mongo) {
    const { databasesNamed } = await import('./stores/mongo');
    found.push(...(await databasesNamed(await pool.clients.mongo(), pgPrefix)).map((n) => `mongo ${n}`));
  }
  if (pool.config.s3) {
    const { bucketsNamed } = await import('./stores/s3');
    found.push(...(await bucketsNamed(await pool.clients.s3(), `${PREFIX}-${pool.spec.pool}-`)).map((n) => `s3 ${n}`));
  }
  return found.filter((f) => {
    const n = f.slice(f.indexOf(' ') + 1);
    return !known.has(n) && (isOwnedName(n) || n.startsWith(PREFIX));
  });
}
