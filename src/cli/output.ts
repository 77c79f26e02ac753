import type chalk from 'chalk';
import type { ProgressEvent } from '../progress';
import { redact, redactDeep } from '../secrets';
import { STORES } from './options';

/**
 * What chalk does with colour off (every style, however chained, returns the text unchanged), without
 * loading chalk: colour is only ever on for a person at a terminal, never for scripts and CI.
 */
const PLAIN: chalk.Chalk = new Proxy(((...text: unknown[]) => text.join(' ')) as chalk.Chalk, { get: (_target, key) => (key === 'level' ? 0 : PLAIN) });

/**
 * Where everything a command prints goes through: secrets are redacted here, colour and spinners
 * appear only on a TTY and never under NO_COLOR, CI or --json.
 */
export class Output {
  readonly json: boolean;
  readonly color: boolean;
  readonly interactive: boolean;
  private painter?: chalk.Chalk;

  constructor(opts: { json?: boolean; color?: boolean }) {
    this.json = Boolean(opts.json);
    const tty = Boolean(process.stdout.isTTY);
    const quiet = 'NO_COLOR' in process.env || isCi();
    this.interactive = tty && !quiet && !this.json;
    this.color = this.interactive && opts.color !== false;
  }

  get c(): chalk.Chalk {
    return (this.painter ??= this.color ? new (require('chalk') as typeof chalk).Instance({ level: 1 }) : PLAIN);
  }

  line(text = ''): void {
    process.stdout.write(redact(text) + '\n');
  }

  data(value: unknown): void {
    // Strings are redacted before JSON escaping could disguise a secret (a quote or backslash in it).
    process.stdout.write(redact(JSON.stringify(redactDeep(value), null, 2)) + '\n');
  }

  error(text: string): void {
    process.stderr.write(redact(text) + '\n');
  }

  /** A spinner on a TTY; a no-op elsewhere so logs and pipes stay clean. */
  async spin<T>(text: string, work: () => Promise<T>): Promise<T> {
    if (!this.interactive) return work();
    const ora = (await import('ora')).default;
    const spinner = ora({ text, stream: process.stderr }).start();
    try {
      const result = await work();
      spinner.stop();
      return result;
    } catch (err) {
      spinner.stop();
      throw err;
    }
  }
}

export function isCi(): boolean {
  const v = process.env.CI;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** Pads columns for plain-text tables; widths ignore ANSI colour codes. */
export function table(rows: string[][], gap = '  '): string {
  // eslint-disable-next-line no-control-regex
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(cell))));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i] - visible(cell)))).join(gap).trimEnd())
    .join('\n');
}

/** One progress line: where, how far, the rate so far and the time left at that rate. */
export function progressText(p: { store: string; name: string; done: number; total: number }, elapsedMs: number): string {
  const rate = p.done / Math.max(0.001, elapsedMs / 1000);
  const left = rate > 0 ? `~${Math.ceil(Math.max(0, p.total - p.done) / rate)}s left` : 'time left unknown';
  return `${p.store}: ${p.name} ${p.done}/${p.total} (${Math.round(rate)}/s, ${left})`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** One finished phase, as CI logs show it: "postgres: migrate: 16 migrations in 1.4s". */
export function phaseLine(e: ProgressEvent, elapsedMs: number): string {
  const where = e.store ? `${e.store}: ` : '';
  const count = e.done !== undefined ? ` ${e.done}${e.total !== undefined && e.total !== e.done ? `/${e.total}` : ''}${e.unit ? ` ${e.unit}` : ''}` : '';
  const detail = e.detail ? ` (${e.detail})` : '';
  return `${where}${e.phase}:${count || ' done'} in ${seconds(elapsedMs)}${detail}`;
}

/**
 * Renders the library's progress events on stderr: on a TTY a live line (phase, count, item,
 * elapsed), elsewhere one line per finished phase with its count and elapsed time. Notices (lock
 * waits) are printed at once in both. Never on stdout; under --json only notices are printed.
 */
export class ProgressView {
  private readonly starts = new Map<string, number>();
  private spinner?: { text: string; stop(): void; start(): void; stopAndPersist(o: { symbol: string; text: string }): void };
  private lastDraw = 0;
  /** The seeder's last counter per store: the stores are seeded at once and share the live line. */
  private readonly seeding = new Map<string, string>();

  constructor(
    private readonly out: Output,
    private readonly quiet = false,
  ) {}

  private key(e: { store?: string; phase: string }): string {
    return `${e.store ?? ''}:${e.phase}`;
  }

  private async live(): Promise<ProgressView['spinner']> {
    if (!this.out.interactive) return undefined;
    if (!this.spinner) {
      const ora = (await import('ora')).default;
      this.spinner = ora({ text: '', stream: process.stderr }) as unknown as ProgressView['spinner'];
      this.spinner!.start();
    }
    return this.spinner;
  }

  /** Loads the spinner module ahead, so events can be drawn synchronously. */
  async ready(): Promise<this> {
    if (!this.quiet) await this.live();
    return this;
  }

  readonly handle = (e: ProgressEvent): void => {
    // --json: stderr carries only what the user must know now (errors, notices such as lock waits).
    if (this.quiet || (this.out.json && e.state !== 'notice')) return;
    const k = this.key(e);
    if (e.state === 'start') this.starts.set(k, Date.now());
    const elapsed = Date.now() - (this.starts.get(k) ?? Date.now());
    if (e.state === 'notice') {
      this.persist(`${e.store ? `${e.store}: ` : ''}${e.phase}: ${e.detail ?? ''}`);
      return;
    }
    if (e.state === 'end') {
      this.starts.delete(k);
      if (e.store) this.seeding.delete(e.store);
      this.persist(phaseLine(e, elapsed));
      return;
    }
    if (this.spinner) {
      const count = e.done !== undefined && e.total !== undefined ? ` ${e.done}/${e.total}` : '';
      this.spinner.text = `${e.store ? `${e.store}: ` : ''}${e.phase}${count}${e.detail ? ` ${e.detail}` : ''} (${seconds(elapsed)})`;
    }
  };

  /** The seeder's own counters (rows, documents, objects per table), drawn at most 10 times a second. */
  readonly seed = (p: { store: string; name: string; done: number; total: number }): void => {
    if (this.quiet || !this.spinner) return;
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.seeding.set(p.store, progressText(p, now - (this.starts.get(`${p.store}:load`) ?? now)));
    this.spinner.text = STORES.filter((s) => this.seeding.has(s))
      .map((s) => this.seeding.get(s))
      .join('  |  ');
  };

  private persist(text: string): void {
    if (this.spinner) this.spinner.stopAndPersist({ symbol: '-', text });
    else this.out.error(text);
    this.spinner?.start();
  }

  stop(): void {
    this.spinner?.stop();
    this.spinner = undefined;
  }
}
