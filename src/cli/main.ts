import { Command, CommanderError, Option } from 'commander';
import { EXIT } from '../errors';
import { packageVersion } from '../paths';
import { redact } from '../secrets';
import * as ci from './ci';
import * as docs from './docs';
import * as doctor from './doctor';
import * as make from './make';
import * as migrate from './migrate';
import * as reset from './reset';
import * as rollback from './rollback';
import * as s3 from './s3';
import * as schema from './schema';
import * as seed from './seed';
import * as status from './status';
import * as up from './up';
import * as verify from './verify';

// Each command file registers itself; this file only knows the list and the global options.
const COMMANDS = [up, migrate, rollback, status, make, seed, s3, verify, schema, docs, reset, doctor, ci];

export function buildProgram(): Command {
  const program = new Command('recruit-db')
    .description('Migrate, seed and verify the PostgreSQL, MongoDB and S3 stores of the recruiting platform against its documented schema summary.')
    .version(packageVersion())
    .option('--env-file <path>', 'read settings from this file instead of ./.env')
    .addOption(new Option('--env <name>', 'target environment (RECRUIT_DB_ENV)').choices(['development', 'test', 'staging', 'production']))
    .option('--database-url <url>', 'PostgreSQL URL (DATABASE_URL)')
    .option('--mongodb-uri <uri>', 'MongoDB URI (MONGODB_URI)')
    .option('--mongodb-db <name>', 'MongoDB database name (MONGODB_DB; default: the URI path or recruit_db)')
    .option('--s3-endpoint <url>', 'S3 endpoint (AWS_ENDPOINT_URL_S3)')
    .option('--s3-bucket <name>', 'S3 bucket (S3_BUCKET)')
    .option('--region <region>', 'AWS region (AWS_REGION)')
    .option('--timeout <seconds>', 'connection timeout per store, seconds (RECRUIT_DB_TIMEOUT)', '5')
    .option('--json', 'machine-readable output on stdout')
    .option('--no-color', 'no colours (also NO_COLOR, CI, or no TTY)')
    .option('--debug', 'stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok; 1 drift or a failure found; 2 usage or connection error.
Settings come from flags, then the environment, then ./.env (see README).

Example:
  $ recruit-db up            # migrate, bootstrap, seed and verify all three stores`,
    );
  for (const command of COMMANDS) command.register(program);
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(redact(s)) });
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit 0; every other commander error is a usage error.
      process.exitCode = err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      return;
    }
    throw err;
  }
}
