/**
 * Live against expected at full depth, over canonical entries (src/stores/shapes.ts): every
 * difference is one finding naming the object, with the expected and the live definition. Pure.
 */
import { entryKey, objectKey, sameValue } from '../stores/shape-file';
import type { JsonValue, ShapeEntry } from '../stores/shapes';

export type DiffStatus = 'missing' | 'unexpected' | 'different';

export interface EntryDiff {
  status: DiffStatus;
  /** The entry as expected (missing, different) and as live (unexpected, different). */
  expected?: ShapeEntry;
  live?: ShapeEntry;
  /** A human hint beyond the two values, e.g. "renamed to x?". */
  note?: string;
}

/** Parts whose own difference follows from their owner's (a dropped column's comment goes with it). */
const FOLLOWS: Record<string, string> = { comment: 'column' };

/**
 * Compares two entry lists. A missing or unexpected object is one finding (its parts are not listed
 * again); parts of an object present on both sides are compared one by one. `ignore` drops live
 * entries that are not the schema's (bookkeeping tables, partitions), before anything is judged.
 */
export function diffEntries(expected: ShapeEntry[], live: ShapeEntry[], ignore: (e: ShapeEntry) => boolean = () => false): EntryDiff[] {
  const want = new Map(expected.filter((e) => !ignore(e)).map((e) => [entryKey(e), e]));
  const have = new Map(live.filter((e) => !ignore(e)).map((e) => [entryKey(e), e]));
  const wantObjects = new Set([...want.values()].filter((e) => !e.part).map(objectKey));
  const haveObjects = new Set([...have.values()].filter((e) => !e.part).map(objectKey));
  const out: EntryDiff[] = [];

  for (const [key, e] of want) {
    const l = have.get(key);
    if (l) {
      if (!sameValue(e.value, l.value)) out.push({ status: 'different', expected: e, live: l });
    } else if (!e.part || haveObjects.has(objectKey(e))) {
      out.push({ status: 'missing', expected: e });
    }
  }
  for (const [key, l] of have) {
    if (want.has(key)) continue;
    if (!l.part || wantObjects.has(objectKey(l))) out.push({ status: 'unexpected', live: l });
  }
  // By object, then part: a report reads table by table whatever side a difference came from.
  const at = (d: EntryDiff) => d.expected ?? d.live!;
  const sortKey = (d: EntryDiff) => `${at(d).kind}\u0000${itemName(at(d))}\u0000${at(d).part?.kind ?? ''}`;
  return suggestRenames(dropConsequences(out)).sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

function dropConsequences(diffs: EntryDiff[]): EntryDiff[] {
  const gone = new Set<string>();
  for (const d of diffs) {
    const e = d.expected ?? d.live!;
    if (d.status !== 'different' && e.part) gone.add(`${objectKey(e)}\u0000${e.part.kind}\u0000${e.part.name}`);
  }
  return diffs.filter((d) => {
    const e = d.expected ?? d.live!;
    const owner = e.part && FOLLOWS[e.part.kind];
    return !(owner && d.status !== 'different' && gone.has(`${objectKey(e)}\u0000${owner}\u0000${e.part!.name}`));
  });
}

/** A part missing under one name and unexpected under another with the same definition was most likely renamed. */
function suggestRenames(diffs: EntryDiff[]): EntryDiff[] {
  const unexpected = diffs.filter((d) => d.status === 'unexpected' && d.live?.part);
  for (const d of diffs) {
    if (d.status !== 'missing' || !d.expected?.part) continue;
    const twin = unexpected.find(
      (u) => objectKey(u.live!) === objectKey(d.expected!) && u.live!.part!.kind === d.expected!.part!.kind && sameValue(u.live!.value, d.expected!.value) && !u.note,
    );
    if (twin) {
      d.note = `renamed to ${twin.live!.part!.name}?`;
      twin.note = `renamed from ${d.expected.part.name}?`;
    }
  }
  return diffs;
}

/** `jobs.title`, `learning_progress.userId_1`, `mentor_sessions` (a table comment), `bucket`. */
export function itemName(e: ShapeEntry): string {
  if (!e.part || e.part.name === '') return e.name;
  return `${e.name}.${e.part.name}`;
}

/** The item kind: the part's kind (column, index...), else the object's (table, enum...). */
export function itemKind(e: ShapeEntry): string {
  return e.part?.kind ?? e.kind;
}

/** A value as one line for a report: text as is, JSON compact. */
export function showValue(v: JsonValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v === '' ? '(present)' : v;
  return JSON.stringify(v);
}

/**
 * Where two JSON values differ, as paths with both sides (`properties.userId.pattern: expected "^a",
 * live "^b"`), at most `limit` of them: a validator is long, its difference short.
 */
export function jsonDifferences(expected: JsonValue, live: JsonValue, limit = 3): string[] {
  const out: string[] = [];
  const walk = (a: JsonValue | undefined, b: JsonValue | undefined, path: string) => {
    if (out.length >= limit + 1) return;
    const objA = a !== null && typeof a === 'object' && !Array.isArray(a);
    const objB = b !== null && typeof b === 'object' && !Array.isArray(b);
    if (objA && objB) {
      const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
      for (const k of keys) walk((a as Record<string, JsonValue>)[k], (b as Record<string, JsonValue>)[k], path ? `${path}.${k}` : k);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((x, i) => walk(x, b[i], `${path}[${i}]`));
      return;
    }
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    const show = (v: JsonValue | undefined) => (v === undefined ? 'absent' : JSON.stringify(v));
    out.push(`${path || '(whole value)'}: expected ${show(a)}, live ${show(b)}`);
  };
  walk(expected, live, '');
  return out.length > limit ? [...out.slice(0, limit), 'and more'] : out;
}

/** The human detail of a finding. */
export function describeDiff(d: EntryDiff, subject = 'the expected shape'): string {
  const note = d.note ? ` (${d.note})` : '';
  if (d.status === 'missing') return `in ${subject} but not live: ${showValue(d.expected!.value)}${note}`;
  if (d.status === 'unexpected') return `live but not in ${subject}: ${showValue(d.live!.value)}${note}`;
  const a = d.expected!.value;
  const b = d.live!.value;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return `differs at ${jsonDifferences(a, b).join('; ')}${note}`;
  return `expected ${showValue(a)}; live ${showValue(b)}${note}`;
}
