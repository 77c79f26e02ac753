import type chalk from 'chalk';
import { redact } from '../secrets';

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
    process.stdout.write(redact(JSON.stringify(value, null, 2)) + '\n');
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
