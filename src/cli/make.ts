import type { Command } from 'commander';
import type { ExitCode } from '../errors';
import { action } from './context';
import { applyMigrationsDir, migrationsDirOption } from './migrate';

export function register(program: Command): void {
  program
    .command('make')
    .argument('<name>', 'what the migration does, in snake_case (e.g. add_user_nickname)')
    .description('create migrations/NNNN_<name>.ts (the next number) from a template')
    .addOption(migrationsDirOption())
    .addHelpText(
      'after',
      `
The file is TypeScript exporting up(knex) and down(knex); \`npm run build\` compiles it for recruit-db,
and the plain knex CLI runs it as is. Exit codes: 0 created; 2 bad name or folder.

Example:
  $ recruit-db make add_user_nickname     # -> migrations/0016_add_user_nickname.ts`,
    )
    .action(
      action<{ migrationsDir?: string }>(async (ctx, name): Promise<ExitCode> => {
        applyMigrationsDir(ctx.opts.migrationsDir);
        const { createMigrationFile } = await import('../stores/postgres/migrate');
        const made = createMigrationFile(name);
        if (ctx.out.json) ctx.out.data({ version: 1, command: 'make', ...made });
        else ctx.out.line(`created ${made.file}`);
        return 0;
      }),
    );
}
