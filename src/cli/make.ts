import { Option, type Command } from 'commander';
import { EXIT } from '../errors';
import { action } from './context';
import { applyMigrationsDir, migrationsDirOption } from './migrate';

interface MakeOpts {
  store: 'postgres' | 'mongo';
  migrationsDir?: string;
}

/** The file `make add_user_nickname` would create now: the help names the real next number. */
function nextExample(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { nextMigrationNumber } = require('../stores/postgres/migrate') as typeof import('../stores/postgres/migrate');
    return `migrations/${nextMigrationNumber()}_add_user_nickname.ts`;
  } catch {
    return 'migrations/NNNN_add_user_nickname.ts';
  }
}

export function register(program: Command): void {
  program
    .command('make')
    .argument('<name>', 'what the migration does, in snake_case (e.g. add_user_nickname)')
    .description('create a new migration from a template: migrations/NNNN_<name>.ts (PostgreSQL), or mongo-migrations/<timestamp>-<name>.ts')
    .addOption(new Option('--store <store>', 'which store the migration is for').choices(['postgres', 'mongo']).default('postgres'))
    .addOption(migrationsDirOption())
    .addHelpText(
      'after',
      () => `
PostgreSQL: TypeScript exporting up(knex) and down(knex), numbered one above the highest; the
template shows the patterns that are safe on tables holding data (CREATE INDEX CONCURRENTLY with
\`export const config = { transaction: false }\`, ADD CONSTRAINT ... NOT VALID then VALIDATE in a later
migration, an enum value in a migration of its own).
MongoDB: a script exporting up(db) and down(db), in the sources (mongo-migrations/, not dist/),
named with the current UTC time so it sorts after every existing one.
\`npm run build\` compiles them for recruit-db; the plain knex CLI runs the PostgreSQL ones as is.
Exit codes: 0 created; 2 bad name, a name that exists, or no such folder.

Examples:
  $ recruit-db make add_user_nickname     # -> ${nextExample()}
  $ recruit-db make add_event_log_user_index --store mongo`,
    )
    .action(
      action<MakeOpts>(async (ctx, name) => {
        let made: { file: string; name: string };
        if (ctx.opts.store === 'mongo') {
          const { createMongoMigrationFile } = await import('../stores/mongo/migrate');
          made = createMongoMigrationFile(name, ctx.opts.migrationsDir);
        } else {
          applyMigrationsDir(ctx.opts.migrationsDir);
          const { createMigrationFile } = await import('../stores/postgres/migrate');
          made = createMigrationFile(name);
        }
        return { exitCode: EXIT.OK, data: { store: ctx.opts.store, ...made }, text: () => ctx.out.line(`created ${made.file}`) };
      }),
    );
}
