/**
 * Peak memory of `recruit-db seed --only postgres` (the compiled CLI, as users run it) for one
 * profile, on a fresh migrated database: the CLI runs under `/usr/bin/time -v` and its maximum
 * resident set size is read from there. A time limit (default 600 s) stops an over-long run; the
 * report then says so (the load is one transaction, so nothing stays behind).
 *
 *   npm run build && ts-node --transpile-only bench/seed/memory.ts [profile] [limitSeconds]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { cliEnv, migratedPgDatabase } from '../../tests/helpers/stores';

const profile = process.argv[2] ?? 'large';

/**
 * The helpers' drop retries for a minute while an autovacuum worker holds the database (42501 /
 * 55006); after a 24M-row load, autovacuum and analyze of its tables on a loaded machine take longer
 * than that, and the bench then failed with "permission denied to terminate other connections" and
 * left the database behind. The same helper, asked again until it succeeds (up to 15 minutes).
 */
async function dropWhenIdle(drop: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      return await drop();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if ((code !== '42501' && code !== '55006') || Date.now() > deadline) throw err;
    }
  }
}
const limit = Number(process.argv[3] ?? 600);

(async () => {
  if (!existsSync('/usr/bin/time')) throw new Error('needs /usr/bin/time (GNU time) for the peak RSS');
  const db = await migratedPgDatabase('rdbbenchmem');
  try {
    const bin = join(__dirname, '../../bin/recruit-db');
    const child = spawn('/usr/bin/time', ['-v', process.execPath, bin, 'seed', '--profile', profile, '--only', 'postgres', '--json'], { env: cliEnv({ DATABASE_URL: db.url }) });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const t0 = Date.now();
    // Rows streamed so far, per table, from the server's COPY progress view (read from a second
    // session): what a run stopped by the time limit had loaded before its rollback.
    const watcher = new Client({ connectionString: db.url });
    await watcher.connect();
    const streamed = new Map<string, number>();
    const poll = setInterval(() => {
      watcher
        .query<{ t: string; n: string }>(`SELECT relid::regclass::text AS t, tuples_processed AS n FROM pg_stat_progress_copy WHERE datname = current_database()`)
        .then((r) => r.rows.forEach((x) => streamed.set(x.t, Math.max(streamed.get(x.t) ?? 0, Number(x.n)))))
        .catch(() => undefined);
    }, 2000);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // time(1) forwards nothing: stop the CLI itself (time's only child), by its pid.
      spawn('pkill', ['-TERM', '-P', String(child.pid)]);
    }, limit * 1000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    clearInterval(poll);
    await watcher.end();
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
    const result = out.trim() ? JSON.parse(out) : undefined;
    const rows = result?.timings?.postgres?.units ?? null;
    console.log(
      JSON.stringify({
        profile,
        exitCode: code,
        timedOut,
        wallSeconds: (Date.now() - t0) / 1000,
        seedSeconds: result ? result.timings.postgres.ms / 1000 : null,
        rows,
        streamedBeforeStop: timedOut ? { tables: streamed.size, rows: [...streamed.values()].reduce((a, b) => a + b, 0), last: [...streamed.keys()].pop() } : undefined,
        counts: result?.postgres?.counts,
        maxRssMB: rss ? Math.round(Number(rss[1]) / 1024) : null,
      }),
    );
  } finally {
    await dropWhenIdle(db.drop);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
