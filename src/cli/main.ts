import { Command, CommanderError, Option } from 'commander';
import { EXIT } from '../errors';
import { packageVersion } from '../paths';
import { redact } from '../secrets';
import { useVendorBundles } from '../vendor';

useVendorBundles();

interface CommandFile {
  register(program: Command): void;
}

// Each command file registers itself; this file only knows the list (in help order) and the global
// options. A run loads and registers only the command it names; --help and the rest get them all.
const COMMANDS: ReadonlyArray<readonly [string, () => CommandFile]> = [
  ['up', () => require('./up')],
  ['migrate', () => require('./migrate')],
  ['rollback', () => require('./rollback')],
  ['status', () => require('./status')],
  ['make', () => require('./make')],
  ['seed', () => require('./seed')],
  ['s3', () => require('./s3')],
  ['verify', () => require('./verify')],
  ['reset', () => require('./reset')],
  ['doctor', () => require('./doctor')],
];

/** The first argument that is not an option (nor an option's value), when it names one of our commands. */
export function requestedCommand(program: Command, args: readonly string[]): string | undefined {
  const takesValue = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))));
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return undefined;
    if (a.startsWith('-')) {
      if (takesValue.has(a)) i++;
      continue;
    }
    return COMMANDS.some(([name]) => name === a) ? a : undefined;
  }
  return undefined;
}

export function buildProgram(argv: readonly string[] = []): Command {
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
  const only = requestedCommand(program, argv.slice(2));
  for (const [name, load] of COMMANDS) if (!only || name === only) load().register(program);
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(redact(s)) });
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram(argv);
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
