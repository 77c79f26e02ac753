/**
 * The judgement, per store, on two axes:
 * - the expected shape (what the migrations produce, committed beside them) against the documented
 *   summary, for names: the summary stays the contract for what must exist;
 * - the live store against the expected shape at full depth, every difference one item.
 * Pure functions over plain data, no I/O, so every rule is testable without a server and the CLI
 * only renders what comes back. This file holds what all stores share (items, reports, verdict);
 * each store's rules are in verify/<store>.ts, loaded only when that store is checked, so a
 * `verify --only postgres` never loads the MongoDB driver or the AWS SDK.
 */
import type { StoreName } from '../errors';
import type { Capability, ShapeEntry } from '../stores/shapes';
import type { DocWarning } from '../summary/parse';
import { describeDiff, itemKind, itemName, showValue, type EntryDiff } from './deep';

export type VerifyStatus = 'ok' | 'warning' | 'missing' | 'different' | 'unexpected';

/**
 * What an item is about. Names-level: table, enum, collection, prefix, bucket, bucket-setting.
 * Deep (from the expected shape): column, constraint, index, trigger, comment, function, extension,
 * view, sequence, domain, validator, validationLevel, validationAction. Verify-level: ttl, health,
 * embedding, migrations (behind or ahead), shape (what was compared), doc (the summary's own).
 */
export type VerifyKind =
  | 'table'
  | 'enum'
  | 'collection'
  | 'ttl'
  | 'validator'
  | 'validationLevel'
  | 'validationAction'
  | 'index'
  | 'prefix'
  | 'bucket'
  | 'bucket-setting'
  | 'health'
  | 'embedding'
  | 'doc'
  | 'column'
  | 'constraint'
  | 'trigger'
  | 'comment'
  | 'function'
  | 'extension'
  | 'view'
  | 'sequence'
  | 'domain'
  | 'migrations'
  | 'shape';

/** 'summary' holds the document's own inconsistencies, which belong to no store. */
export type ReportStore = StoreName | 'summary';

export interface VerifyItem {
  store: ReportStore;
  /** The summary's own grouping ("User Management", "Enum Types") or a verify-level one ("Health", "Bucket"). */
  group: string;
  kind: VerifyKind;
  name: string;
  status: VerifyStatus;
  detail?: string;
  /** For a deep difference: the definition the expected shape holds, and the live one. */
  expected?: string;
  live?: string;
}

export interface Totals {
  ok: number;
  warning: number;
  missing: number;
  different: number;
  unexpected: number;
}

export interface StoreReport {
  store: ReportStore;
  items: VerifyItem[];
  totals: Totals;
  /** Whether warnings count as failures in `failures` (set by applyStrict). */
  strict: boolean;
  /** missing + different + unexpected, plus warnings when strict. */
  failures: number;
}

/** A committed expected shape, as verify needs it. */
export interface ExpectedShape {
  /** Where it was read from, for the report. */
  path: string;
  /** The migrations it is the result of, in order. */
  migrations: string[];
  entries: ShapeEntry[];
  /** The migrations in the folder now, when known: a different list means the file is stale. */
  files?: string[];
}

export const NOT_IN_SUMMARY = 'Not in summary';
export const MIGRATIONS = 'Migrations';

export type Add = (group: string, kind: VerifyKind, name: string, status: VerifyStatus, detail?: string, values?: { expected?: string; live?: string }) => void;

export function collector(store: ReportStore): { items: VerifyItem[]; add: Add } {
  const items: VerifyItem[] = [];
  const add: Add = (group, kind, name, status, detail, values) => {
    const item: VerifyItem = { store, group, kind, name, status };
    if (detail) item.detail = detail;
    if (values?.expected !== undefined) item.expected = values.expected;
    if (values?.live !== undefined) item.live = values.live;
    items.push(item);
  };
  return { items, add };
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A target that is simply behind (or ahead of) the expected shape is one item, never a wall of
 * drift: its deep comparison would only list what the missing migrations create.
 */
export function migrationState(expected: ExpectedShape, applied: string[], add: Add, migrateHint: string): boolean {
  const done = new Set(applied);
  const known = new Set(expected.migrations);
  const unknown = applied.filter((m) => !known.has(m));
  const pending = expected.migrations.filter((m) => !done.has(m));
  if (unknown.length) {
    add(
      MIGRATIONS,
      'migrations',
      'unknown',
      'unexpected',
      `${plural(unknown.length, 'applied migration')} not in the expected shape: ${unknown.join(', ')}: the target is ahead of this recruit-db's migrations (use the recruit-db that applied them, or regenerate the expected shape: recruit-db schema dump)`,
    );
    return true;
  }
  if (pending.length) {
    const shown = pending.length > 3 ? `${pending.slice(0, 3).join(', ')}, ...` : pending.join(', ');
    add(MIGRATIONS, 'migrations', 'pending', 'missing', `${plural(pending.length, 'migration')} pending (${shown}): ${migrateHint}`);
    return true;
  }
  return false;
}

/** The expected shape was written for another set of migrations than the folder holds now. */
export function staleShape(expected: ExpectedShape, add: Add): void {
  if (!expected.files) return;
  if (expected.files.join('\u0000') === expected.migrations.join('\u0000')) return;
  const added = expected.files.filter((f) => !expected.migrations.includes(f));
  const removed = expected.migrations.filter((m) => !expected.files!.includes(m));
  const what = [added.length ? `not in it: ${added.join(', ')}` : '', removed.length ? `in it but not in the folder: ${removed.join(', ')}` : ''].filter(Boolean).join('; ');
  add(MIGRATIONS, 'shape', 'expected shape', 'warning', `${expected.path} is stale (${what || 'migrations in another order'}): regenerate it with \`recruit-db schema dump\``);
}

/** One deep difference as an item; `detail` replaces the generic description when a store knows better. */
export function deepItem(add: Add, group: string, d: EntryDiff, subject: string, detail?: string): void {
  const e = d.expected ?? d.live!;
  const values: { expected?: string; live?: string } = {};
  if (d.expected) values.expected = showValue(d.expected.value);
  if (d.live) values.live = showValue(d.live.value);
  add(group, itemKind(e) as VerifyKind, itemName(e), d.status, detail ?? describeDiff(d, subject), values);
}

/** Names the difference between documented and live enum labels, or undefined when they match. */
export function labelDiff(expected: string[], actual: string[]): string | undefined {
  const want = new Set(expected);
  const have = new Set(actual);
  const parts: string[] = [];
  const extra = actual.filter((l) => !want.has(l));
  const missing = expected.filter((l) => !have.has(l));
  if (extra.length) parts.push(`extra label${extra.length > 1 ? 's' : ''} ${quoteList(extra)}`);
  if (missing.length) parts.push(`missing label${missing.length > 1 ? 's' : ''} ${quoteList(missing)}`);
  // Order matters for enums (it is their sort order), so compare the shared labels' sequence too.
  const commonExpected = expected.filter((l) => have.has(l));
  const commonActual = actual.filter((l) => want.has(l));
  if (commonExpected.join('\u0000') !== commonActual.join('\u0000')) {
    parts.push(`labels out of order: documented ${commonExpected.join(', ')}; live ${commonActual.join(', ')}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

// ---------------------------------------------------------------------------------------------- summary & verdict

/** The summary's self-inconsistencies as report items (always warnings: the lists stay the contract). */
export function docWarnings(warnings: DocWarning[]): VerifyItem[] {
  return warnings.map((w) => ({ store: 'summary', group: 'Documentation', kind: 'doc', name: w.code, status: 'warning', detail: w.message }));
}

/** docWarnings wrapped as a report of their own, for rendering beside the stores. */
export function docReport(warnings: DocWarning[]): StoreReport {
  return report('summary', docWarnings(warnings));
}

/**
 * Documentation warnings describe the summary file, which no store change can fix: --strict (meant
 * for production against real AWS and MongoDB) judges the stores, never the document.
 */
function strictApplies(r: StoreReport, strict: boolean): boolean {
  return strict && r.store !== 'summary';
}

/** Returns a copy whose `failures` counts warnings too when strict. Items keep their own status. */
export function applyStrict(r: StoreReport, strict: boolean): StoreReport {
  const s = strictApplies(r, strict);
  return { ...r, strict: s, failures: failuresOf(r.totals, s) };
}

/**
 * Exit 1 when anything is missing, different or unexpected, or (strict, or any report passed through
 * applyStrict) any warning. `clean` is the stronger statement: every item ok, no warnings either.
 */
export function verdict(reports: StoreReport[], strict: boolean): Verdict {
  const effective = strict || reports.some((r) => r.strict);
  const failed = reports.some((r) => failuresOf(r.totals, strictApplies(r, effective)) > 0);
  const clean = reports.every((r) => r.totals.ok === r.items.length);
  return { exitCode: failed ? 1 : 0, clean, strict: effective };
}

export interface Verdict {
  exitCode: 0 | 1;
  /** Every item ok, no warnings either (so it can be false while exitCode is 0). */
  clean: boolean;
  /** Whether warnings counted as failures for exitCode. */
  strict: boolean;
}

export function totalsOf(items: VerifyItem[]): Totals {
  const t: Totals = { ok: 0, warning: 0, missing: 0, different: 0, unexpected: 0 };
  for (const i of items) t[i.status]++;
  return t;
}

function failuresOf(t: Totals, strict: boolean): number {
  return t.missing + t.different + t.unexpected + (strict ? t.warning : 0);
}

export function report(store: ReportStore, items: VerifyItem[]): StoreReport {
  const totals = totalsOf(items);
  return { store, items, totals, strict: false, failures: failuresOf(totals, false) };
}

export function unsupported(caps: Capability[], features: string[]): Capability | undefined {
  return caps.find((c) => !c.supported && features.includes(c.feature.toLowerCase().replace(/[^a-z]/g, '')));
}

/**
 * "X not supported by SERVER (its answer)". The server's answer is long and the same for every item
 * it affects (ten validators), so a report gives it once, on the first such item.
 */
export function capabilityText(c: Capability, what: string, told?: Set<Capability>): string {
  const seen = told?.has(c) ?? false;
  told?.add(c);
  const reason = !c.reason ? '' : seen ? ' (as above)' : ` (${c.reason})`;
  return `${what} not supported by ${c.server}${reason}`;
}

export function quoteList(xs: string[]): string {
  return xs.map((x) => `"${x}"`).join(', ');
}
