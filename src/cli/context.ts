import type { Command } from 'commander';
import { loadConfig, type Config, type ConfigFlags } from '../config';
import { EXIT, RecruitDbError, type ExitCode } from '../errors';
import { redact } from '../secrets';
import { Output } from './output';

export interface GlobalOptions extends ConfigFlags {
  json?: boolean;
  debug?: boolean;
  color?: boolean;
}

export interface CommandContext<O> {
  opts: O;
  globals: GlobalOptions;
  out: Output;
  /** Loaded on first use, so `--help` and usage errors never touch .env or the network. */
  config(): Config;
}

/**
 * Wraps a command's action: builds the context, and turns whatever it throws into one line on
 * stderr and the documented exit code. Only the CLI decides exit codes; the library returns results.
 */
export function action<O>(handler: (ctx: CommandContext<O>, ...args: string[]) => Promise<ExitCode | void>) {
  return async (...raw: unknown[]): Promise<void> => {
    const cmd = raw[raw.length - 1] as Command;
    const globals = cmd.optsWithGlobals() as GlobalOptions;
    const out = new Output({ json: globals.json, color: globals.color });
    let config: Config | undefined;
    const ctx: CommandContext<O> = {
      opts: cmd.opts() as O,
      globals,
      out,
      config: () => (config ??= loadConfig(globals)),
    };
    const positional = raw.slice(0, -2).filter((a): a is string => typeof a === 'string');
    try {
      const code = await handler(ctx, ...positional);
      process.exitCode = code ?? EXIT.OK;
    } catch (err) {
      process.exitCode = reportError(err, out, Boolean(globals.debug));
    }
  };
}

export function reportError(err: unknown, out: Output, debug: boolean): ExitCode {
  if (err instanceof RecruitDbError) {
    out.error(`recruit-db: ${err.oneLine()}`);
    if (debug && err.cause instanceof Error && err.cause.stack) out.error(err.cause.stack);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  out.error(`recruit-db: unexpected error: ${redact(message).split('\n')[0]} (hint: rerun with --debug for details)`);
  if (debug && err instanceof Error && err.stack) out.error(err.stack);
  return EXIT.USAGE;
}

/** For a command whose issue has not landed: say so plainly, never pretend. */
export function notAvailable(name: string) {
  return action(async (ctx) => {
    ctx.out.error(`recruit-db: \`${name}\` is not available yet in this version (hint: see the README's command list for what works today)`);
    return EXIT.USAGE;
  });
}
