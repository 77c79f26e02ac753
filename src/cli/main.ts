import { Command, CommanderError, Option } from 'commander';
import { EXIT } from '../errors';
import { packageVersion } from '../paths';
import { readEnvFileQuietly } from '../config';
import { redact, registerSettings } from '../secrets';
import { useVendorBundles } from '../vendor';
import { envelope } from './context';
import { Output } from './output';

useVendorBundles();

/**
 * Secrets are known before the command line is parsed: commander echoes a rejected option value,
 * and a password pasted into the wrong flag must be masked there too.
 */
function primeSecrets(argv: string[]): void {
  registerSettings(process.env);
  const i = argv.indexOf('--env-file');
  const inline = argv.find((a) => a.startsWith('--env-file='));
  registerSettings(readEnvFileQuietly(inline ? inline.slice('--env-file='.length) : i > 0 ? argv[i + 1] : undefined));
}

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
  ['schema', () => require('./schema')],
  ['docs', () => require('./docs')],
  ['reset', () => require('./reset')],
  ['doctor', () => require('./doctor')],
  ['ci', () => require('./ci')],
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
    .option('--timeout <seconds>', 'seconds each store may take to answer a request (RECRUIT_DB_TIMEOUT; default 5)')
    .option('--json', 'machine-readable output on stdout: one JSON envelope on every exit path (docs/json.md)')
    .option('--quiet', 'no progress lines on stderr')
    .option('--no-color', 'no colours (also NO_COLOR, CI, or no TTY)')
    .option('--debug', 'stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok; 1 drift or a failure found; 2 usage or connection error.
Settings come from flags, then the environment, then ./.env; settings that belong together (the
MongoDB URI and database, the S3 endpoint and bucket, the AWS keys) come whole from one place (see README).
Progress goes to stderr (a live line on a terminal, a line per finished step elsewhere).

Example:
  $ recruit-db up            # migrate, bootstrap, seed and verify all three stores`,
    );
  const only = requestedCommand(program, argv.slice(2));
  for (const [name, load] of COMMANDS) if (!only || name === only) load().register(program);
  // Every level, `s3 bootstrap` included: commander echoes option values in its errors.
  const walk = (cmd: Command) => {
    cmd.exitOverride();
    cmd.configureOutput({ writeErr: (s) => process.stderr.write(redact(s)), writeOut: (s) => process.stdout.write(redact(s)) });
    cmd.commands.forEach(walk);
  };
  walk(program);
  return program;
}

/** Whether --json was asked for, before any `--` (a usage error happens before options are parsed). */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/** The command a rejected command line was for: "migrate", "s3 bootstrap", or null. */
function commandOf(program: Command, argv: string[]): string | null {
  const names: string[] = [];
  let at: Command = program;
  for (const arg of argv.slice(2)) {
    const sub = at.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) continue;
    names.push(sub.name());
    at = sub;
  }
  return names.length ? names.join(' ') : null;
}

export async function main(argv: string[]): Promise<void> {
  primeSecrets(argv);
  const program = buildProgram(argv);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit 0; every other commander error is a usage error.
      process.exitCode = err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      if (err.exitCode !== 0 && wantsJson(argv)) {
        const message = redact(err.message.replace(/^error: /, ''));
        const error = { store: null, code: 'usage', message, hint: 'run the command with --help for usage' };
        new Output({ json: true }).data(envelope(commandOf(program, argv), EXIT.USAGE, {}, error));
      }
      return;
    }
    throw err;
  } finally {
    // The command has answered: a socket a driver forgot to close must not keep the process alive.
    setTimeout(() => process.exit(), 1000).unref();
  }
}
