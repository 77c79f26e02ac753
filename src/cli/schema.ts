import type { Command } from 'commander';
import { EXIT, type StoreName } from '../errors';
import { action } from './context';
import { onlyOption } from './options';

interface DumpFlags {
  only?: StoreName[];
  check?: boolean;
}

export function register(program: Command): void {
  const schema = program.command('schema').description('the expected shape of each store, committed beside its migrations and compared by verify');

  schema
    .command('dump')
    .description('write each store\'s expected shape (migrations/, mongo-migrations/, s3-layout/ expected-shape.txt) from freshly migrated scratch targets')
    .addOption(onlyOption())
    .option('--check', 'write nothing; exit 1 when a committed file differs from a fresh dump (for CI)')
    .addHelpText(
      'after',
      `
PostgreSQL is migrated on PGlite (a devDependency) with and without each optional extension, then on
a scratch database of the configured server; MongoDB on a simulated server with and without
validators and TTL indexes, then on a scratch database; S3 is bootstrapped into a scratch bucket. Each
scratch target is dropped afterwards. Refused for RECRUIT_DB_ENV=production.

Exit codes: 0 written (or, with --check, up to date); 1 a file is stale (--check) or a server does not
produce what the expected shape says; 2 usage or connection error.

Examples:
  $ recruit-db schema dump                  # after adding a migration: commit the diff it makes
  $ recruit-db schema dump --check --json   # CI`,
    )
    .action(
      action<DumpFlags>(async (ctx) => {
        const { dumpExpectedShapes } = await import('../verify/dump');
        const { out, opts } = ctx;
        const config = ctx.config();
        const results = await dumpExpectedShapes(config, {
          only: opts.only,
          check: opts.check,
          progress: out.json ? undefined : (line) => out.error(line),
        });
        const stale = Boolean(opts.check) && results.some((r) => r.changed);
        const text = () => {
          for (const r of results) {
            const state = opts.check ? (r.changed ? 'differs from a fresh dump' : 'up to date') : r.written ? 'written' : 'unchanged';
            out.line(`${r.store}: ${r.file} ${state} (${r.entries} entries; checked against ${r.checkedAgainst.join(', ')})`);
            for (const l of r.diff ?? []) out.line(`  ${l}`);
          }
          if (stale) out.line('expected shapes are stale: run `recruit-db schema dump` and commit the result');
        };
        return { exitCode: stale ? EXIT.DRIFT : EXIT.OK, data: { check: Boolean(opts.check), stores: results }, text };
      }),
    );

  schema
    .command('snapshot')
    .description('write migrations/snapshot.sql: what every PostgreSQL migration makes, as one script `migrate` loads on an empty database')
    .option('--check', 'write nothing; exit 1 when the committed file differs from a fresh snapshot (for CI)')
    .addHelpText(
      'after',
      `
A scratch database of the configured server is migrated one migration at a time, dumped with pg_dump
(the PostgreSQL client of the server's major version must be installed) and dropped. The header
records the migration files' checksums, the server's major version and the optional extensions it
offers: \`migrate\` uses the snapshot only where all of them match, and otherwise runs the
migrations one by one. Refused for RECRUIT_DB_ENV=production.

Exit codes: 0 written (or, with --check, up to date); 1 stale (--check); 2 usage or connection error.

Examples:
  $ recruit-db schema snapshot           # after adding a migration, with schema dump: commit both
  $ recruit-db schema snapshot --check   # CI`,
    )
    .action(
      action<{ check?: boolean }>(async (ctx) => {
        const { writeSnapshot } = await import('../stores/postgres/snapshot');
        const { out, opts } = ctx;
        const config = ctx.config();
        const r = await writeSnapshot(config, { check: opts.check });
        const stale = Boolean(opts.check) && r.changed;
        const text = () => {
          const state = opts.check ? (r.changed ? 'differs from a fresh snapshot' : 'up to date') : r.written ? 'written' : 'unchanged';
          out.line(`postgres: ${r.file} ${state} (${r.header.migrations.length} migrations, PostgreSQL ${r.header.serverMajor}, extensions: ${r.header.extensions.join(', ') || 'none'}; ${r.bytes} bytes)`);
          if (stale) out.line('the schema snapshot is stale: run `recruit-db schema snapshot` and commit the result');
        };
        return { exitCode: stale ? EXIT.DRIFT : EXIT.OK, data: { check: Boolean(opts.check), ...r }, text };
      }),
    );
}
