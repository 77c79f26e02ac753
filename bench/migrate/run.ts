/**
 * Benchmark: `recruit-db migrate --only postgres`, as whole processes, against its baselines in the
 * same run:
 *   (a) migrate on an empty database        vs (b) `psql -1 -f` of a `pg_dump --schema-only` of (a)'s
 *       result (the fastest way to get the same schema). Target (a)/(b) <= 1.3.
 *   (c) migrate again, nothing pending       vs (d) `node -e 0` (Node's own start-up). Target (c)-(d) <= 60 ms.
 * With BENCH_BEFORE=<dir of another built checkout> (e.g. main), (a) and (c) of that build are
 * timed in the same rounds too, so the table shows before and after under the same load.
 * Every round uses fresh databases and runs the methods in a rotated order (the machine is shared:
 * load hits every method alike). Writes the "migrate" section of BENCHMARKS.md.
 *
 *   npm run build && npm run bench:migrate   # BENCH_REPS=9 (default 7), BENCH_BEFORE=/path
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig, requireStore } from '../../src/config';
import { maskUrl } from '../../src/secrets';
import { freshPgDatabase } from '../../tests/helpers/stores';
import { REPO, list, load1, machineLine, median, ms, rotated, timeOk, writeSection, type Timed } from '../lib';

const REPS = Number(process.env.BENCH_REPS ?? 7);
const BEFORE = process.env.BENCH_BEFORE;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Figures from before the current implementation, kept so the section shows what changed. */
const HISTORY = `Earlier runs (same machine, 16 migrations unless said; before this round of start-up work):
2026-11-27, 5 repetitions: (a) 567 ms, (b) 347 ms, **1.63x**, (c) 158 ms. 2026-11-26, 7 repetitions (one
round trip per statement, one catalog query per table for its foreign-key indexes, knex loaded even
with nothing to do): (a) 1134 ms, (b) 471 ms, **2.40x**, (c) 278 ms; an earlier run recorded 1332 ms /
670 ms = 1.99x, and runs ranged 1.90x–2.85x.

15 migrations (before 0016 added the audit_logs append-only trigger), 2026-11-26, shared with other
test suites, medians per run:

| run | reps | (a) migrate | (b) psql replay | (c) no-op | ratio |
| --- | ---: | ---: | ---: | ---: | ---: |
| 1 | 7 | 616 ms | 416 ms | 174 ms | 1.48x |
| 2 | 7 | 855 ms | 622 ms | 180 ms | 1.38x |
| 3 | 7 | 786 ms | 527 ms | 157 ms | 1.49x |
| 4 | 9 | 885 ms | 643 ms | 217 ms | 1.38x |
| 5 | 9 | 939 ms | 544 ms | 172 ms | 1.73x |`;

async function main(): Promise<void> {
  if (!existsSync(join(REPO, 'dist/src/cli/main.js'))) throw new Error('run `npm run build` first');
  if (BEFORE && !existsSync(join(BEFORE, 'dist/src/cli/main.js'))) throw new Error(`BENCH_BEFORE=${BEFORE} has no build (run its npm run build)`);
  const pg = requireStore(loadConfig({}, process.env, REPO), 'postgres');
  const admin = new Client({ connectionString: pg.url });
  await admin.connect();
  const version = (await admin.query('SHOW server_version')).rows[0].server_version as string;
  const work = mkdtempSync(join(tmpdir(), 'rdb-bench-'));
  const dump = join(work, 'dump.sql');
  const t: Record<string, number[]> = { a: [], b: [], c: [], d: [], aBefore: [], cBefore: [] };
  // CPU time of the Node processes themselves: what a busy machine disturbs least.
  const cpu: Record<string, number[]> = { a: [], c: [], d: [], aBefore: [], cBefore: [] };
  const timed = async (key: string, run: Promise<Timed>) => {
    const r = await run;
    t[key].push(r.ms);
    if (r.cpuMs !== undefined) cpu[key]?.push(r.cpuMs);
  };
  const loadStart = load1();
  const env = (db: string): NodeJS.ProcessEnv => ({ ...process.env, DATABASE_URL: withDatabase(pg.url, db), NO_COLOR: '1' });
  const migrate = (root: string, db: string) => timeOk(process.execPath, [join(root, 'bin/recruit-db'), 'migrate', '--only', 'postgres'], { env: env(db), cwd: tmpdir(), cpu: true });
  // Dropped with the tests' retrying drop: autovacuum wakes on a fresh database and FORCE cannot end it.
  const created: Array<() => Promise<void>> = [];
  const fresh = async (prefix: string) => {
    const db = await freshPgDatabase(prefix);
    created.push(db.drop);
    return db.database;
  };
  try {
    // The dump comes from a run outside the timed rounds, so every round has the same baseline input.
    const seedDb = await fresh('rdb_bench_d');
    await migrate(REPO, seedDb);
    await timeOk('pg_dump', ['--schema-only', '--no-owner', '-f', dump, withDatabase(pg.url, seedDb)]);
    for (let i = 0; i < REPS; i++) {
      const methods: Array<[string, () => Promise<void>]> = [
        ['migrate', async () => {
          const db = await fresh('rdb_bench_m');
          await timed('a', migrate(REPO, db));
          await timed('c', migrate(REPO, db));
        }],
        ['replay', async () => {
          const db = await fresh('rdb_bench_r');
          await timed('b', timeOk('psql', ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-f', dump, withDatabase(pg.url, db)]));
        }],
        ['node', async () => {
          await timed('d', timeOk(process.execPath, ['-e', '0'], { cwd: tmpdir(), cpu: true }));
        }],
      ];
      if (BEFORE) {
        methods.push(['before', async () => {
          const db = await fresh('rdb_bench_b');
          await timed('aBefore', migrate(BEFORE, db));
          await timed('cBefore', migrate(BEFORE, db));
        }]);
      }
      for (const [, run] of rotated(methods, i)) await run();
      while (created.length > 1) await created.pop()!();
      process.stderr.write(`rep ${i + 1}/${REPS}: migrate ${ms(t.a[i])} ms, replay ${ms(t.b[i])} ms, no-op ${ms(t.c[i])} ms, node ${ms(t.d[i])} ms${BEFORE ? `, before: ${ms(t.aBefore[i])} / ${ms(t.cBefore[i])} ms` : ''}\n`);
    }
  } finally {
    for (const drop of created) await drop().catch(() => undefined);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }

  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.length ? median(v) : NaN]));
  const ratio = m.a / m.b;
  const above = m.c - m.d;
  const migrations = readdirSync(join(REPO, 'migrations')).filter((f) => f.endsWith('.ts')).length;
  const c = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v.length ? median(v) : NaN]));
  const row = (what: string, key: string) => `| ${what} | ${ms(m[key])} ms | ${Number.isNaN(c[key] ?? NaN) ? '' : `${ms(c[key])} ms`} | ${list(t[key])} |`;
  const rows = [
    row(`(a) \`recruit-db migrate --only postgres\`, empty database (${migrations} migrations)`, 'a'),
    row("(b) `psql -1 -f dump.sql` of a `pg_dump --schema-only` of (a)'s result", 'b'),
    row('(c) `recruit-db migrate --only postgres` again, nothing pending', 'c'),
    row('(d) `node -e 0`', 'd'),
    ...(BEFORE ? [row('(a) before this change (main)', 'aBefore'), row('(c) before this change (main)', 'cBefore')] : []),
  ];
  const section = `
Whole processes, in the same run, ${REPS} rounds, each on fresh databases, the methods of a round in
rotated order; medians. The machine was shared with other engineers' builds and tests (load average
${loadStart} at the start, ${load1()} at the end).

| what | median | its own CPU (median) | all runs |
| --- | --- | --- | --- |
${rows.join('\n')}

- (a)/(b): **${ratio.toFixed(2)}x** — target at most 1.3x: ${ratio <= 1.3 ? 'met' : '**not met**'}${BEFORE ? ` (before: ${(m.aBefore / m.b).toFixed(2)}x)` : ''}.
- (c)−(d): **${ms(above)} ms** above Node's own start-up — target at most 60 ms: ${above <= 60 ? 'met' : '**not met**'}${BEFORE ? ` (before: ${ms(m.cBefore - m.d)} ms)` : ''}.
  In CPU time, which the other work on the machine disturbs far less: **${ms(c.c - c.d)} ms** above \`node -e 0\`${BEFORE ? ` (before: ${ms(c.cBefore - c.d)} ms)` : ''}.

${HISTORY}

Machine: ${machineLine(`PostgreSQL ${version} on loopback`)}.
Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}. Reproduce: \`npm run build && npm run bench:migrate\` (\`BENCH_REPS=N\`; \`BENCH_BEFORE=dir\` adds another built checkout).
`;
  writeSection('migrate', section);
  process.stdout.write(section);
}

main().catch((err) => {
  process.stderr.write(`bench:migrate: ${maskUrl(String((err as Error).message))}\n`);
  process.exitCode = 2;
});
