import type { JsonValue, ShapeConditions, ShapeEntry } from './shapes';

/**
 * The committed expected shape of one store as reviewable text: one line per entry, grouped under
 * its object, sorted, so a migration's effect reads as a diff of this file.
 *
 *   # comments
 *   format 1
 *   migration 0001_extensions_and_enums          the migrations it was written for, in order
 *   table jobs                                   an object (its value after ": " when it has one)
 *     column title: text NOT NULL                a part of it
 *     [with pgvector] index x: USING hnsw (...)  only on targets with the capability
 *     [without pgvector] index x: -              "-": explicitly absent there
 *     validator: {                               JSON values span lines, closed at the entry's indent
 *       ...
 *     }
 *
 * Names and text values that could be misread (spaces, a leading quote or bracket, newlines) are
 * written as JSON strings.
 */
export const SHAPE_FORMAT = 1;

export interface ShapeFile {
  /** The migrations (names without extension) the shape was produced by, in order; empty for S3. */
  migrations: string[];
  entries: ShapeEntry[];
}

const INDENT = '  ';
/** A JSON value printed on its entry's line when it is this short; longer ones span lines. */
const INLINE_JSON = 100;

export function entryKey(e: Pick<ShapeEntry, 'kind' | 'name' | 'part'>): string {
  return e.part ? `${e.kind}\u0000${e.name}\u0000${e.part.kind}\u0000${e.part.name}` : `${e.kind}\u0000${e.name}`;
}

/** The key of the object an entry belongs to (itself, for an object's own entry). */
export function objectKey(e: Pick<ShapeEntry, 'kind' | 'name'>): string {
  return `${e.kind}\u0000${e.name}`;
}

/**
 * A BSON value as Extended JSON (canonical mode), so a UUID in a partial filter or a Decimal128 in a
 * validator reads and compares as what it is; numbers that JavaScript holds exactly stay numbers.
 */
function bsonValue(v: { _bsontype: string } & Record<string, unknown>): JsonValue {
  const text = () => String((v as { toString(...a: unknown[]): string }).toString());
  switch (v._bsontype) {
    case 'ObjectId':
      return { $oid: (v as unknown as { toHexString(): string }).toHexString() };
    case 'Binary': {
      const b = v as unknown as { sub_type: number; toString(enc: string): string };
      return b.sub_type === 4 ? { $uuid: text() } : { $binary: { base64: b.toString('base64'), subType: b.sub_type.toString(16).padStart(2, '0') } };
    }
    case 'Int32':
    case 'Double':
      return Number((v as unknown as { valueOf(): number }).valueOf());
    case 'Long':
      return { $numberLong: text() };
    case 'Decimal128':
      return { $numberDecimal: text() };
    case 'BSONRegExp':
      return { $regularExpression: { pattern: String(v.pattern), options: String(v.options) } };
    case 'Timestamp':
      return { $timestamp: text() };
    default:
      return text();
  }
}

/** JSON with object keys sorted at every level, except under the keys named in `ordered` (an index's key pattern). */
export function canonicalJson(value: unknown, ordered: ReadonlySet<string> = NONE): JsonValue {
  const walk = (v: unknown, keepOrder: boolean): JsonValue => {
    if (v === undefined) return null;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
    if (typeof v === 'bigint') return Number(v);
    if (Array.isArray(v)) return v.map((x) => walk(x, false));
    if (v instanceof Date) return { $date: v.toISOString() };
    if (v instanceof RegExp) return { $regularExpression: { pattern: v.source, options: v.flags } };
    if (typeof v === 'object' && typeof (v as { _bsontype?: unknown })._bsontype === 'string') return bsonValue(v as { _bsontype: string } & Record<string, unknown>);
    if (typeof v === 'object') {
      const keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
      const out: Record<string, JsonValue> = {};
      for (const k of keepOrder ? keys : keys.sort()) out[k] = walk((v as Record<string, unknown>)[k], ordered.has(k));
      return out;
    }
    return String(v);
  };
  return walk(value, false);
}
const NONE: ReadonlySet<string> = new Set();

/** Equality of two entry values (they are canonical already: the producers sort what has no order). */
export function sameValue(a: JsonValue, b: JsonValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const PLAIN_NAME = /^[^\s"[\]:][^\s:]*$/;

function writeName(name: string): string {
  return PLAIN_NAME.test(name) ? name : JSON.stringify(name);
}

function writeValue(value: JsonValue, indent: string): string {
  if (value === null) return '-';
  if (typeof value === 'string') {
    const risky = value === '-' || /^["{[\s]|\s$|[\n\r\t]/.test(value);
    return risky ? JSON.stringify(value) : value;
  }
  const inline = JSON.stringify(value);
  if (inline.length <= INLINE_JSON || typeof value !== 'object') return inline;
  return JSON.stringify(value, null, 2)
    .split('\n')
    .map((line, i) => (i === 0 ? line : indent + line))
    .join('\n');
}

function writeEntry(e: ShapeEntry, indent: string): string {
  const when = e.when ? `[${e.when.present ? 'with' : 'without'} ${e.when.capability}] ` : '';
  const head = e.part ? `${e.part.kind}${e.part.name === '' ? '' : ` ${writeName(e.part.name)}`}` : `${e.kind} ${writeName(e.name)}`;
  const value = e.value === '' ? '' : `: ${writeValue(e.value, indent)}`;
  return `${indent}${when}${head}${value}`;
}

/**
 * The file's text. Entries keep their order within an object (a table's columns in table order);
 * objects are written in the order they first appear, which the producers keep sorted. Every object
 * has an entry of its own (the line its parts are indented under).
 */
export function renderShape(file: ShapeFile, header: string[]): string {
  const lines = [...header.map((h) => `# ${h}`.trimEnd()), `format ${SHAPE_FORMAT}`];
  for (const m of file.migrations) lines.push(`migration ${m}`);
  for (const group of groupByObject(file.entries)) {
    const own = group.filter((e) => !e.part);
    if (own.length === 0) throw new Error(`shape entry ${group[0].kind} ${group[0].name} has parts but no entry of its own`);
    lines.push('');
    for (const e of own) lines.push(writeEntry(e, ''));
    for (const e of group.filter((x) => x.part)) lines.push(writeEntry(e, INDENT));
  }
  return `${lines.join('\n')}\n`;
}

function groupByObject(entries: ShapeEntry[]): ShapeEntry[][] {
  const objects = new Map<string, ShapeEntry[]>();
  for (const e of entries) {
    const k = objectKey(e);
    const list = objects.get(k);
    if (list) list.push(e);
    else objects.set(k, [e]);
  }
  return [...objects.values()];
}

/** Reads a name token: a JSON string, or text up to a space or a colon. */
function readName(s: string): { name: string; rest: string } {
  if (s.startsWith('"')) {
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '\\') i++;
      else if (s[i] === '"') return { name: JSON.parse(s.slice(0, i + 1)) as string, rest: s.slice(i + 1) };
    }
    throw new Error('unterminated quoted name');
  }
  const m = /^([^\s:]*)(.*)$/s.exec(s)!;
  return { name: m[1], rest: m[2] };
}

function readScalar(text: string): JsonValue {
  if (text === '-') return null;
  if (text.startsWith('"') || text.startsWith('{') || text.startsWith('[')) return JSON.parse(text) as JsonValue;
  return text;
}

export class ShapeFileError extends Error {}

/** Parses a file written by renderShape; a line it cannot read throws ShapeFileError naming it. */
export function parseShape(text: string, source: string): ShapeFile {
  const lines = text.split('\n');
  const file: ShapeFile = { migrations: [], entries: [] };
  let object: { kind: string; name: string } | undefined;
  let format: number | undefined;
  const fail = (n: number, why: string) => new ShapeFileError(`${source}:${n + 1}: ${why}`);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const indented = raw.startsWith(INDENT);
    let s = indented ? raw.slice(INDENT.length) : raw;
    if (!indented && /^format \d+$/.test(s)) {
      format = Number(s.slice(7));
      if (format !== SHAPE_FORMAT) throw fail(n, `format ${format} is not the format ${SHAPE_FORMAT} this recruit-db reads`);
      continue;
    }
    if (!indented && s.startsWith('migration ')) {
      file.migrations.push(s.slice(10).trim());
      continue;
    }
    let when: ShapeEntry['when'];
    const w = /^\[(with|without) ([^\]\s]+)\] /.exec(s);
    if (w) {
      when = { capability: w[2], present: w[1] === 'with' };
      s = s.slice(w[0].length);
    }
    const kindMatch = /^([A-Za-z][A-Za-z0-9_-]*)(.*)$/s.exec(s);
    if (!kindMatch) throw fail(n, `expected "kind name", got ${JSON.stringify(raw)}`);
    const kind = kindMatch[1];
    let rest = kindMatch[2];
    let name = '';
    try {
      if (rest.startsWith(' ')) ({ name, rest } = readName(rest.slice(1)));
    } catch (err) {
      throw fail(n, (err as Error).message);
    }
    let value: JsonValue = '';
    if (rest.startsWith(': ')) {
      const first = rest.slice(2);
      try {
        value = readScalar(first);
      } catch {
        // A JSON block: continuation lines up to the closing bracket at this entry's indentation.
        const indent = indented ? INDENT : '';
        const close = first.startsWith('[') ? ']' : '}';
        const block = [first];
        for (n++; n < lines.length && lines[n] !== `${indent}${close}`; n++) block.push(lines[n].slice(indent.length));
        if (n >= lines.length) throw fail(n - 1, 'unterminated JSON value');
        block.push(close);
        try {
          value = JSON.parse(block.join('\n')) as JsonValue;
        } catch (err) {
          throw fail(n, `bad JSON value: ${(err as Error).message}`);
        }
      }
    } else if (rest !== '') {
      throw fail(n, `unexpected text after the name: ${JSON.stringify(rest)}`);
    }
    if (indented) {
      if (!object) throw fail(n, 'an indented part before any object');
      file.entries.push({ kind: object.kind, name: object.name, part: { kind, name }, value, ...(when ? { when } : {}) });
    } else {
      object = { kind, name };
      if (name === '') throw fail(n, `object "${kind}" has no name`);
      file.entries.push({ kind, name, value, ...(when ? { when } : {}) });
    }
  }
  if (format === undefined) throw new ShapeFileError(`${source}: no "format ${SHAPE_FORMAT}" line: not an expected-shape file`);
  return file;
}

/** Keys of both lists, each list's order kept: b's own keys go right after their predecessor in b. */
function orderedUnion(a: string[], b: string[]): string[] {
  const out = [...a];
  const placed = new Set(a);
  for (let i = 0; i < b.length; i++) {
    if (placed.has(b[i])) continue;
    let at = 0;
    for (let j = i - 1; j >= 0; j--) {
      const p = out.indexOf(b[j]);
      if (p >= 0) {
        at = p + 1;
        break;
      }
    }
    out.splice(at, 0, b[i]);
    placed.add(b[i]);
  }
  return out;
}

/**
 * One capability's two variants merged: what holds either way stays plain, what differs is tagged
 * [with X] / [without X], and what exists in one variant only gets an explicit "absent" (null) line
 * in the other, so the file says what each kind of server gets. An object absent in a variant gets
 * that line once, not one per part.
 */
export function mergeVariant(withIt: ShapeEntry[], without: ShapeEntry[], capability: string): ShapeEntry[] {
  const a = new Map(withIt.map((e) => [entryKey(e), e]));
  const b = new Map(without.map((e) => [entryKey(e), e]));
  const objectsA = new Set(withIt.filter((e) => !e.part).map(objectKey));
  const objectsB = new Set(without.filter((e) => !e.part).map(objectKey));
  const tag = (e: ShapeEntry, present: boolean, value: JsonValue = e.value): ShapeEntry => ({ ...e, value, when: { capability, present } });
  const out: ShapeEntry[] = [];
  for (const key of orderedUnion([...a.keys()], [...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    if (x && y) {
      if (sameValue(x.value, y.value)) out.push(x);
      else out.push(tag(x, true), tag(y, false));
    } else if (x) {
      out.push(tag(x, true));
      if (!x.part || objectsB.has(objectKey(x))) out.push(tag(x, false, null));
    } else if (y) {
      if (!y.part || objectsA.has(objectKey(y))) out.push(tag(y, true, null));
      out.push(tag(y, false));
    }
  }
  return out;
}

/**
 * Several capabilities, each measured against one baseline run without any of them: the baseline's
 * entries plus each capability's tagged ones. Two capabilities that change the same entry cannot be
 * told apart this way, and are refused.
 */
export function combineVariants(baseline: ShapeEntry[], runs: Array<{ capability: string; entries: ShapeEntry[] }>): ShapeEntry[] {
  const byKey = new Map<string, ShapeEntry[]>();
  const owner = new Map<string, string>();
  let order = baseline.map(entryKey);
  for (const e of baseline) byKey.set(entryKey(e), [e]);
  for (const run of runs) {
    const merged = mergeVariant(run.entries, baseline, run.capability);
    const keys: string[] = [];
    const tagged = new Map<string, ShapeEntry[]>();
    for (const e of merged) {
      const k = entryKey(e);
      if (!keys.includes(k)) keys.push(k);
      if (e.when) tagged.set(k, [...(tagged.get(k) ?? []), e]);
    }
    for (const [k, entries] of tagged) {
      const first = owner.get(k);
      if (first) throw new Error(`capabilities ${first} and ${run.capability} both change ${k.split('\u0000').join(' ')}: the expected shape cannot tell which server gets what`);
      owner.set(k, run.capability);
      byKey.set(k, entries);
    }
    order = orderedUnion(order, keys);
  }
  return order.flatMap((k) => byKey.get(k) ?? []);
}

/** Objects in a stable order (kind rank, then name), each object's entries kept in their order. */
export function sortObjects(entries: ShapeEntry[], kindOrder: readonly string[] = []): ShapeEntry[] {
  const rank = (k: string) => {
    const r = kindOrder.indexOf(k);
    return r < 0 ? kindOrder.length : r;
  };
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return groupByObject(entries)
    .sort((x, y) => rank(x[0].kind) - rank(y[0].kind) || cmp(x[0].kind, y[0].kind) || cmp(x[0].name, y[0].name))
    .flatMap((g) => [...g.filter((e) => !e.part), ...g.filter((e) => e.part)]);
}

/**
 * The entries that hold on a target with these conditions, without the "absent" lines (anything
 * live that is not expected is unexpected anyway). A condition the target does not state counts as
 * present: the expected shape of a capable server.
 */
export function selectVariant(entries: ShapeEntry[], conditions: ShapeConditions): ShapeEntry[] {
  const out: ShapeEntry[] = [];
  for (const e of entries) {
    if (e.when && (conditions[e.when.capability] ?? true) !== e.when.present) continue;
    if (e.value === null) continue;
    if (!e.when) out.push(e);
    else {
      const { when: _when, ...plain } = e;
      out.push(plain);
    }
  }
  return out;
}
