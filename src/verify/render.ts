import chalk from 'chalk';
import { redact } from '../secrets';
import { applyStrict, type StoreReport, type Totals, type VerifyItem, type VerifyStatus } from './compare';

const MARK: Record<VerifyStatus, string> = { ok: '✓', warning: '!', missing: '✗', different: '≠', unexpected: '+' };

export interface RenderOptions {
  color: boolean;
  /** Hide ok items (totals still count them): for long reports where only drift matters. */
  problemsOnly?: boolean;
  /** Render warnings as failures (as `verify --strict` judges them); reports from applyStrict already are. */
  strict?: boolean;
}

/**
 * A human table: per store, per group, one line per item, then a one-line total. Returns a string;
 * whether to colour is the caller's decision (TTY, NO_COLOR, CI), never detected here.
 */
export function renderText(reports: StoreReport[], opts: RenderOptions): string {
  // A private instance, so the CLI's decision holds whatever chalk guessed about the terminal.
  const c = new chalk.Instance({ level: opts.color ? Math.max(chalk.level, 1) as 1 | 2 | 3 : 0 });
  const paint: Record<VerifyStatus, (s: string) => string> = {
    ok: c.green,
    warning: c.yellow,
    missing: c.red,
    different: c.red,
    unexpected: c.magenta,
  };
  const out: string[] = [];
  for (const given of reports) {
    const r = opts.strict ? applyStrict(given, true) : given;
    const shown = opts.problemsOnly ? r.items.filter((i) => i.status !== 'ok') : r.items;
    out.push(c.bold(r.store));
    const kindWidth = Math.max(0, ...shown.map((i) => i.kind.length));
    const nameWidth = Math.max(0, ...shown.map((i) => i.name.length));
    for (const [group, items] of byGroup(shown)) {
      out.push(`  ${c.cyan(group)}`);
      for (const i of items) {
        const failing = i.status !== 'ok' && (i.status !== 'warning' || r.strict);
        const detail = i.detail ? `  ${failing ? i.detail : c.dim(i.detail)}` : '';
        out.push(`    ${paint[i.status](MARK[i.status])} ${i.kind.padEnd(kindWidth)} ${i.name.padEnd(nameWidth)}${detail}`.trimEnd());
      }
    }
    const strictNote = r.strict && r.totals.warning > 0 ? ' (strict: warnings count as failures)' : '';
    out.push(`${r.store}: ${totalsLine(r.totals)}${strictNote}`);
    out.push('');
  }
  return redact(out.join('\n').replace(/\n+$/, '\n'));
}

export function totalsLine(t: Totals): string {
  return `${t.ok} ok, ${t.warning} ${t.warning === 1 ? 'warning' : 'warnings'}, ${t.missing} missing, ${t.different} different, ${t.unexpected} unexpected`;
}

function byGroup(items: VerifyItem[]): Map<string, VerifyItem[]> {
  // Groups appear in first-seen order, which is the summary's document order.
  const groups = new Map<string, VerifyItem[]>();
  for (const i of items) {
    const list = groups.get(i.group) ?? [];
    list.push(i);
    groups.set(i.group, list);
  }
  return groups;
}

/** The documented `--json` shape (docs/verify-json.md). Bump `version` on any breaking change. */
export interface VerifyJson {
  version: 1;
  clean: boolean;
  exitCode: 0 | 1;
  strict: boolean;
  stores: Array<{ store: StoreReport['store']; totals: Totals; failures: number; items: VerifyItem[] }>;
}

export function toJson(reports: StoreReport[], verdict: { exitCode: 0 | 1; clean: boolean; strict?: boolean }): VerifyJson {
  const strict = verdict.strict ?? reports.some((r) => r.strict);
  const json: VerifyJson = {
    version: 1,
    clean: verdict.clean,
    exitCode: verdict.exitCode,
    strict,
    stores: reports.map((r) => ({
      store: r.store,
      totals: { ...r.totals },
      failures: applyStrict(r, strict || r.strict).failures,
      // Fixed key order keeps diffs of saved reports readable.
      items: r.items.map((i) => {
        const item: VerifyItem = { store: i.store, group: i.group, kind: i.kind, name: i.name, status: i.status };
        if (i.detail !== undefined) item.detail = redact(i.detail);
        if (i.expected !== undefined) item.expected = redact(i.expected);
        if (i.live !== undefined) item.live = redact(i.live);
        return item;
      }),
    })),
  };
  return json;
}
