/**
 * One seeder run on a fresh, migrated database (PostgreSQL only), for quick iteration and for the
 * memory measurement: `ts-node --transpile-only bench/seed/once.ts <profile> [--keep]`. Prints JSON
 * with rows, seconds and the process's max RSS.
 */
import { migratedPgDatabase } from '../../tests/helpers/stores';
import { runSeed } from '../../seeds/index';

const profile = process.argv[2] ?? 'medium';
const BENCH_AS_OF = '2026-01-01';

(async () => {
  const db = await migratedPgDatabase('rdbbench');
  const config = db.config;
  try {
    const r = await runSeed(config, { profile, seed: 1, asOf: BENCH_AS_OF, only: ['postgres'] });
    const t = r.timings.postgres!;
    console.log(JSON.stringify({ profile, rows: t.units, seconds: t.ms / 1000, rowsPerSecond: Math.round(t.units / (t.ms / 1000)), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
  } finally {
    if (!process.argv.includes('--keep')) await db.drop();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
