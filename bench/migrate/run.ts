/**
 * Benchmark: `recruit-db migrate --only postgres` on an empty database versus replaying a
 * `pg_dump --schema-only` of its result with `psql -1 -f` (the fastest way to get the same schema).
 * Both are timed as whole processes, in the same run, several times; medians are compared.
 * Target: migrate takes at most 2x the replay. Writes the "migrate" section of BENCHMARKS.md.
 *
 *   npm run build && npm run bench:migrate   # BENCH_REPS=7 to change the repetitions (default 5)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem, type as osType, release } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { loadConfig, requireStore } from '../../src/config';
import { maskUrl } from '../../src/secrets';

const REPO = resolve(__dirname, '../..');
const BIN = join(REPO, 'bin/recruit-db');
const REPS = Number(process.env.BENCH_REPS ?? 5);

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, cwd: tmpdir(), encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args[0]} failed (${r.status}): ${maskUrl(r.stderr || r.stdout)}`);
  return ms;
}

/** Figures from before the current implementation, kept so the section shows what changed. */
const HISTORY = `Before (2026-11-26, same machine, 7 repetitions: one round trip per statement, one catalog query
per table for its foreign-key indexes, knex loaded even with nothing to do): (a) 1134 ms, (b) 471 ms,
**2.40x**, (c) 278 ms; an earlier run recorded 1332 ms / 670 ms = 1.99x, and runs ranged 1.90x–2.85x.

Earlier runs, 15 migrations (before 0016 added the audit_logs append-only trigger), same machine,
2026-11-26, shared with other test suites, medians per run:

| run | reps | (a) migrate | (b) psql replay | (c) no-op | ratio |
| --- | ---: | ---: | ---: | ---: | ---: |
| 1 | 7 | 616 ms | 416 ms | 174 ms | 1.48x |
| 2 | 7 | 855 ms | 622 ms | 180 ms | 1.38x |
| 3 | 7 | 786 ms | 527 ms | 157 ms | 1.49x |
| 4 | 9 | 885 ms | 643 ms | 217 ms | 1.38x |
| 5 | 9 | 939 ms | 544 ms | 172 ms | 1.73x |

Median of those five ratios: 1.48x.`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  if (!existsSync(join(REPO, 'dist/src/cli/main.js'))) throw new Error('run `npm run build` first');
  const pg = requireStore(loadConfig({}, process.env, REPO), 'postgres');
  const admin = new Client({ connectionString: pg.url });
  await admin.connect();
  const version = (await admin.query('SHOW server_version')).rows[0].server_version as string;
  const work = mkdtempSync(join(tmpdir(), 'rdb-bench-'));
  const dump = join(work, 'dump.sql');
  const migrateMs: number[] = [];
  const replayMs: number[] = [];
  const noopMs: number[] = [];
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  try {
    for (let i = 0; i < REPS; i++) {
      const a = `rdb_bench_m_${tag}_${i}`;
      const b = `rdb_bench_r_${tag}_${i}`;
      await admin.query(`CREATE DATABASE "${a}"`);
      await admin.query(`CREATE DATABASE "${b}"`);
      try {
        // Alternate the order so neither side always runs on a warmer server.
        const migrate = () => run(process.execPath, [BIN, 'migrate', '--only', 'postgres'], { ...process.env, DATABASE_URL: withDatabase(pg.url, a), NO_COLOR: '1' });
        // The second, no-op run measures the fixed cost: Node and knex start-up, connect, lock, bookkeeping.
        const doMigrate = () => {
          migrateMs.push(migrate());
          noopMs.push(migrate());
        };
        const doReplay = () => replayMs.push(run('psql', ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-f', dump, withDatabase(pg.url, b)]));
        if (i === 0) {
          doMigrate();
          run('pg_dump', ['--schema-only', '--no-owner', '-f', dump, withDatabase(pg.url, a)]);
          doReplay();
        } else if (i % 2) {
          doReplay();
          doMigrate();
        } else {
          doMigrate();
          doReplay();
        }
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS "${a}" WITH (FORCE)`);
        await admin.query(`DROP DATABASE IF EXISTS "${b}" WITH (FORCE)`);
      }
      process.stderr.write(`rep ${i + 1}/${REPS}: migrate ${migrateMs[i].toFixed(0)} ms, replay ${replayMs[i].toFixed(0)} ms\n`);
    }
  } finally {
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }

  const m = median(migrateMs);
  const r = median(replayMs);
  const ratio = m / r;
  const ok = ratio <= 2;
  const migrations = spawnSync('ls', [join(REPO, 'migrations')], { encoding: 'utf8' }).stdout.split('\n').filter((f) => f.endsWith('.ts')).length;
  const section = `## migrate

Whole processes, timed in the same run, ${REPS} repetitions each, each on a fresh empty database (median):

| what | median | all runs (ms) |
| --- | --- | --- |
| (a) \`recruit-db migrate --only postgres\` (${migrations} migrations) | ${m.toFixed(0)} ms | ${migrateMs.map((x) => x.toFixed(0)).join(', ')} |
| (b) \`psql -1 -f dump.sql\` of a \`pg_dump --schema-only\` of (a)'s result | ${r.toFixed(0)} ms | ${replayMs.map((x) => x.toFixed(0)).join(', ')} |
| (c) for reference: \`recruit-db migrate\` again, nothing pending (the fixed cost) | ${median(noopMs).toFixed(0)} ms | ${noopMs.map((x) => x.toFixed(0)).join(', ')} |

Ratio (a)/(b): **${ratio.toFixed(2)}x** — target at most 2x: ${ok ? 'met' : 'NOT met'}.
(a) minus (c) is the time spent in the migrations themselves, each in its own transaction: every
table's DDL (knex's compiled statements, the updated_at trigger, the extra indexes and the
foreign-key indexes, worked out from those statements rather than asked of the catalog) goes in one
round trip, pipelined so the server creates one table while Node compiles the next; the bookkeeping
tables and lock row in one more. (b) is one transaction of the already-computed DDL. The server's
share is the same for both: the plan of (a) replayed with psql takes as long as (b).

${HISTORY}

Machine: ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${osType()} ${release()}, Node ${process.version}, PostgreSQL ${version} on loopback.
Date: ${new Date().toISOString()}. Reproduce: \`npm run bench:migrate\` (BENCH_REPS=N to change the repetitions).
`;
  const file = join(REPO, 'BENCHMARKS.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const pattern = /^## migrate\n[\s\S]*?(?=^## |(?![\s\S]))/m;
  const next = pattern.test(old) ? old.replace(pattern, section + '\n') : `${old.trimEnd()}\n\n${section}`;
  writeFileSync(file, next.trimEnd() + '\n');
  process.stdout.write(section);
  if (!ok) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`bench:migrate: ${maskUrl(String((err as Error).message))}\n`);
  process.exitCode = 2;
});
