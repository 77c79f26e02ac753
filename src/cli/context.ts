import type { Command } from 'commander';
import { loadConfig, type Config, type ConfigFlags } from '../config';
import { EXIT, RecruitDbError, type ExitCode, type StoreName } from '../errors';
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
  /** "migrate", "s3 bootstrap": the name the JSON envelope carries. */
  command: string;
  /** Loaded on first use, so `--help` and usage errors never touch .env or the network. */
  config(): Config;
}

/** The error part of the JSON envelope: what the stderr line says, as fields. */
export interface ErrorJson {
  store: StoreName | null;
  code: string;
  message: string;
  hint: string | null;
}

/**
 * What a command hands back: its exit code, the result object `--json` prints inside the envelope,
 * and how to render it for people. Commands never print JSON themselves, so every command has one
 * envelope on every exit path.
 */
export interface Reply {
  exitCode: ExitCode;
  data: Record<string, unknown>;
  /** The first failure, when the command failed without throwing (one store of several). */
  error?: ErrorJson;
  /** Text output for people; not called under --json. */
  text?: () => void;
}

export const JSON_VERSION = 1;

/** The envelope every `--json` output shares (docs/json.md). */
export function envelope(command: string | null, exitCode: ExitCode, data: Record<string, unknown> = {}, error?: ErrorJson): Record<string, unknown> {
  const head = { version: JSON_VERSION, command, ok: exitCode === EXIT.OK, exitCode };
  return error ? { ...head, ...data, error } : { ...head, ...data };
}

export function errorJson(err: unknown): ErrorJson {
  if (err instanceof RecruitDbError) return { store: err.store ?? null, code: err.code, message: err.message, hint: err.hint ?? null };
  return { store: null, code: 'unexpected', message: redact(err instanceof Error ? err.message : String(err)).split('\n')[0], hint: 'rerun with --debug for details' };
}

export function commandName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Wraps a command's action: builds the context, prints the reply (text, or the JSON envelope), and
 * turns whatever it throws into one line on stderr, the envelope under --json, and the documented
 * exit code. Only the CLI decides exit codes; the library returns results.
 */
export function action<O>(handler: (ctx: CommandContext<O>, ...args: string[]) => Promise<Reply>) {
  return async (...raw: unknown[]): Promise<void> => {
    const cmd = raw[raw.length - 1] as Command;
    const globals = cmd.optsWithGlobals() as GlobalOptions;
    const out = new Output({ json: globals.json, color: globals.color });
    let config: Config | undefined;
    const ctx: CommandContext<O> = {
      opts: cmd.opts() as O,
      globals,
      out,
      command: commandName(cmd),
      config: () => (config ??= loadConfig(globals)),
    };
    const positional = raw.slice(0, -2).filter((a): a is string => typeof a === 'string');
    try {
      const reply = await handler(ctx, ...positional);
      if (out.json) out.data(envelope(ctx.command, reply.exitCode, reply.data, reply.error));
      else reply.text?.();
      process.exitCode = reply.exitCode;
    } catch (err) {
      const code = reportError(err, out, Boolean(globals.debug));
      if (out.json) out.data(envelope(ctx.command, code, {}, errorJson(err)));
      process.exitCode = code;
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
