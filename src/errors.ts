import { redact } from './secrets';

/** Exit codes every command documents: 0 ok, 1 drift or failure found, 2 usage or connection error. */
export const EXIT = { OK: 0, DRIFT: 1, USAGE: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type StoreName = 'postgres' | 'mongo' | 's3';

/**
 * The one error type the library throws on purpose. The CLI prints `message` and `hint` on one line,
 * so both must make sense without a stack trace; secrets are redacted when the error is built.
 */
export class RecruitDbError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly store?: StoreName;
  readonly exitCode: ExitCode;

  constructor(opts: { code: string; message: string; hint?: string; store?: StoreName; exitCode?: ExitCode; cause?: unknown }) {
    super(redact(opts.message), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RecruitDbError';
    this.code = opts.code;
    this.hint = opts.hint === undefined ? undefined : redact(opts.hint);
    this.store = opts.store;
    this.exitCode = opts.exitCode ?? EXIT.USAGE;
  }

  /** One line: "<store>: <problem> (hint: <fix>)". */
  oneLine(): string {
    const where = this.store ? `${this.store}: ` : '';
    const hint = this.hint ? ` (hint: ${this.hint})` : '';
    return `${where}${this.message}${hint}`.replace(/\s*\n\s*/g, ' ');
  }
}

export function usageError(message: string, hint?: string): RecruitDbError {
  return new RecruitDbError({ code: 'usage', message, hint, exitCode: EXIT.USAGE });
}
