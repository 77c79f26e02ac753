/**
 * A collection's `$jsonSchema` validator as the rows of a field table, and the fields that hold ids
 * of PostgreSQL rows. Pure functions over the validator as the shape gives it.
 */
import type { MongoField } from './model';

type Schema = Record<string, unknown>;

function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typesOf(s: Schema): string[] {
  const t = s.bsonType ?? s.type;
  if (t === undefined) return [];
  return (Array.isArray(t) ? t : [t]).map(String);
}

/** min/max keywords in words, so a reader need not know JSON Schema. */
function limitsOf(s: Schema): string | undefined {
  const parts: string[] = [];
  const range = (lo: unknown, hi: unknown, unit: string) => {
    if (lo === undefined && hi === undefined) return;
    if (lo !== undefined && hi !== undefined) parts.push(`${unit}${lo}..${hi}`);
    else if (lo !== undefined) parts.push(`${unit}>= ${lo}`);
    else parts.push(`${unit}<= ${hi}`);
  };
  range(s.minimum, s.maximum, '');
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${String(s.exclusiveMinimum)}`);
  if (s.exclusiveMaximum !== undefined) parts.push(`< ${String(s.exclusiveMaximum)}`);
  range(s.minLength, s.maxLength, 'length ');
  range(s.minItems, s.maxItems, 'items ');
  range(s.minProperties, s.maxProperties, 'keys ');
  if (s.uniqueItems === true) parts.push('unique items');
  return parts.length ? parts.join(', ') : undefined;
}

/** A field whose value is one of several typed schemas (xAPI's actor: an Agent or a Group). */
function unionOf(s: Schema): { key: 'oneOf' | 'anyOf'; alternatives: Schema[] } | undefined {
  if (typesOf(s).length) return undefined;
  for (const key of ['oneOf', 'anyOf'] as const) {
    const list = s[key];
    if (Array.isArray(list) && list.length > 1 && list.every((a) => isSchema(a) && typesOf(a).length > 0)) return { key, alternatives: list as Schema[] };
  }
  return undefined;
}

/** "a.b" -> "a", "a[]" -> "a", "a[].b" -> "a[]", "a.*" -> "a". */
function parentPath(path: string): string {
  if (path.endsWith('[]')) return path.slice(0, -2);
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}

const union = <T>(...lists: ReadonlyArray<readonly T[] | undefined>): T[] => {
  const out: T[] = [];
  for (const x of lists.flatMap((l) => l ?? [])) if (!out.some((y) => JSON.stringify(y) === JSON.stringify(x))) out.push(x);
  return out;
};

/** `^a$` and `^b$`: a field whose alternatives differ keeps each value, in order. */
const either = (a: string | undefined, b: string | undefined): string | undefined => (a === undefined || a === b ? b : b === undefined ? a : a.split(' | ').includes(b) ? a : `${a} | ${b}`);

/**
 * One row per declared field, depth first in the validator's own order: sub-document fields as
 * "a.b", array items as "a[]" (and their fields as "a[].b"), the values of a free-keyed map as "a.*".
 * `required` means required within its parent (a required field of an optional sub-document is only
 * required when the sub-document is present). A field that is one of several typed schemas (an
 * Agent or a Group) gets one row with the types of all, and the fields of each under its own path,
 * merged: required where every alternative that has the parent requires it; the alternatives are
 * named in words.
 */
export function validatorFields(validator: Schema | undefined): { fields: MongoField[]; closed: boolean; alternatives: string[] } {
  const root = isSchema(validator?.$jsonSchema) ? (validator!.$jsonSchema as Schema) : validator;
  if (!isSchema(root)) return { fields: [], closed: false, alternatives: [] };
  const alternatives = new Set<string>();
  // A sub-document schema met at several paths (xAPI's actor, context, result) is listed once, at
  // its shallowest path (the first of those in the validator's order); the others say where.
  // A first pass finds those paths, the second lists.
  const home = new Map<string, string>();
  let listing = false;
  const depth = (path: string) => path.split(/\.|\[\]/).length;
  const expandable = (s: Schema) => isSchema(s.properties) || Boolean(unionOf(s)) || (isSchema(s.items) && isSchema(s.items.properties));

  // `own` false: the schema is one alternative of a union, whose label already says its rules.
  const walk = (s: Schema, prefix: string, own = true): MongoField[] => {
    const out: MongoField[] = [];
    const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
    const props = isSchema(s.properties) ? s.properties : {};
    for (const [name, sub] of Object.entries(props)) {
      if (isSchema(sub)) out.push(...field(sub, prefix ? `${prefix}.${name}` : name, required.has(name)));
    }
    if (isSchema(s.additionalProperties)) out.push(...field(s.additionalProperties, prefix ? `${prefix}.*` : '*', false));
    for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
      const list = s[key];
      if (own && Array.isArray(list) && list.length) alternatives.add(`${prefix || 'the document'} must match ${WORD[key]}: ${list.map((x) => describe(x)).join('; ')}`);
    }
    return out;
  };

  const field = (s: Schema, path: string, required: boolean, own = true): MongoField[] => {
    const u = unionOf(s);
    if (own && expandable(s)) {
      const key = JSON.stringify(s);
      const at = home.get(key);
      if (!listing && (at === undefined || depth(path) < depth(at))) home.set(key, path);
      if (listing && at !== undefined && at !== path) return [{ path, types: u ? union(...u.alternatives.map(typesOf)) : typesOf(s), required, sameAs: at }];
    }
    if (u) return unionField(u, path, required);
    const row: MongoField = { path, types: typesOf(s), required };
    if (Array.isArray(s.enum)) row.enum = s.enum;
    if (typeof s.pattern === 'string') row.pattern = s.pattern;
    const limits = limitsOf(s);
    if (limits) row.limits = limits;
    const out = [row];
    if (isSchema(s.properties) || isSchema(s.additionalProperties) || Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) out.push(...walk(s, path, own));
    if (isSchema(s.items)) {
      const items = s.items;
      if (isSchema(items.properties)) {
        out.push({ path: `${path}[]`, types: typesOf(items), required: false, ...(limitsOf(items) ? { limits: limitsOf(items) } : {}) });
        out.push(...walk(items, `${path}[]`));
      } else {
        out.push(...field(items, `${path}[]`, false));
      }
    }
    return out;
  };

  const unionField = (u: NonNullable<ReturnType<typeof unionOf>>, path: string, required: boolean): MongoField[] => {
    alternatives.add(`${path} must match ${WORD[u.key]}: ${u.alternatives.map(label).join('; ')}`);
    const each = u.alternatives.map((a) => field(a, path, required, false));
    // Where each alternative's rows have their parents: the union's own path only in those that are
    // sub-documents; a row listed "as" another path has its fields there, so it says nothing here.
    const parents = each.map((rows, i) => new Set([...rows.filter((r) => r.path !== path && !r.sameAs).map((r) => r.path), ...(isSchema(u.alternatives[i].properties) ? [path] : [])]));
    const merged = new Map<string, MongoField>();
    for (const rows of each) {
      for (const r of rows) {
        const m = merged.get(r.path);
        if (!m) {
          merged.set(r.path, { ...r });
          continue;
        }
        m.types = union(m.types, r.types);
        if (m.enum || r.enum) m.enum = union(m.enum, r.enum);
        const pattern = either(m.pattern, r.pattern);
        if (pattern) m.pattern = pattern;
        const limits = either(m.limits, r.limits);
        if (limits) m.limits = limits;
        if (m.sameAs !== r.sameAs) delete m.sameAs;
      }
    }
    for (const m of merged.values()) {
      if (m.path === path) continue;
      const parent = parentPath(m.path);
      m.required = each.every((rows, i) => !parents[i].has(parent) || rows.some((r) => r.path === m.path && r.required));
    }
    return [...merged.values()];
  };

  walk(root, '');
  alternatives.clear();
  listing = true;
  return { fields: walk(root, ''), closed: root.additionalProperties === false, alternatives: [...alternatives] };
}

const WORD = { oneOf: 'exactly one of', anyOf: 'at least one of', allOf: 'all of' } as const;

/** One typed alternative in words: "Agent (objectType is present and exactly one of mbox, ... is present)". */
function label(s: Schema): string {
  const props = isSchema(s.properties) ? s.properties : {};
  const kind = isSchema(props.objectType) && Array.isArray(props.objectType.enum) && props.objectType.enum.length === 1 ? String(props.objectType.enum[0]) : undefined;
  const name = kind ?? (isSchema(s.items) ? `array of ${label(s.items).replace(/ \(.*\)$/s, '')}` : typesOf(s).join(' | '));
  const rules = Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'properties' && !TYPE_KEYS.has(k)));
  const words = describe(rules);
  return words === '{}' ? name : `${name} (${words})`;
}

const TYPE_KEYS = new Set(['bsonType', 'type', 'additionalProperties', 'items']);

/** A sub-schema in words: "algorithm is sm2 and sm2 is present"; paths under `prefix`. */
function describe(s: unknown, prefix = ''): string {
  if (!isSchema(s)) return JSON.stringify(s);
  const at = (name: string) => (prefix ? `${prefix}.${name}` : name);
  const parts: string[] = [];
  const required = Array.isArray(s.required) ? s.required.map(String) : [];
  const stated = new Set<string>();
  if (isSchema(s.properties)) {
    for (const [name, sub] of Object.entries(s.properties)) {
      if (isSchema(sub) && Array.isArray(sub.enum) && required.includes(name)) {
        stated.add(name);
        parts.push(`${at(name)} is present and is ${sub.enum.map(String).join(' or ')}`);
      } else if (isSchema(sub) && Array.isArray(sub.enum)) parts.push(`${at(name)} is ${sub.enum.map(String).join(' or ')}`);
      else if (isSchema(sub) && isSchema(sub.not) && Array.isArray(sub.not.enum) && Object.keys(sub).length === 1) parts.push(`${at(name)} is not ${sub.not.enum.map(String).join(' or ')}`);
      else if (isSchema(sub) && !Object.keys(sub).some((k) => TYPE_KEYS.has(k))) parts.push(describe(sub, at(name)));
      else parts.push(`${at(name)} matches ${JSON.stringify(sub)}`);
    }
  }
  const rest = required.filter((r) => !stated.has(r));
  if (rest.length) parts.push(`${rest.map(at).join(', ')} ${rest.length > 1 ? 'are' : 'is'} present`);
  if (isSchema(s.not)) {
    const present = requiredOnly(s.not);
    const anyPresent = Array.isArray(s.not.anyOf) && Object.keys(s.not).length === 1 ? s.not.anyOf.map(requiredOnly) : undefined;
    if (present) parts.push(`${present.map(at).join(', ')} ${present.length > 1 ? 'are' : 'is'} absent`);
    else if (anyPresent?.every((x) => x?.length === 1)) parts.push(`none of ${anyPresent.map((x) => at(x![0])).join(', ')} is present`);
    else parts.push(`not (${describe(s.not, prefix)})`);
  }
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    const list = s[key];
    if (!Array.isArray(list) || !list.length) continue;
    const singles = list.map(requiredOnly);
    if (key !== 'allOf' && singles.every((x) => x?.length === 1)) parts.push(`${WORD[key]} ${singles.map((x) => at(x![0])).join(', ')} is present`);
    else parts.push(`${WORD[key]}: ${list.map((x) => describe(x, prefix)).join('; ')}`);
  }
  const other = Object.fromEntries(Object.entries(s).filter(([k]) => !['properties', 'required', 'not', 'oneOf', 'anyOf', 'allOf'].includes(k)));
  if (Object.keys(other).length) parts.push(JSON.stringify(other));
  return parts.join(' and ') || '{}';
}

/** The fields a schema that only says `required: [...]` requires. */
function requiredOnly(s: unknown): string[] | undefined {
  return isSchema(s) && Object.keys(s).length === 1 && Array.isArray(s.required) ? s.required.map(String) : undefined;
}

/** The pattern a validator gives a field that holds a PostgreSQL uuid (lower-case canonical form). */
const UUID_PATTERN = /^\^\[0-9a-f\]\{8\}-\[0-9a-f\]\{4\}-/;

/**
 * Fields named like an id whose table name is not the plural of the stem, and uuid fields that do
 * not name a PostgreSQL row (their own ids, or ids whose table another field names).
 */
const TABLE_OF: Record<string, string | null> = {
  deck: 'flashcard_decks',
  // Ids a document gives itself or takes from another system: no PostgreSQL row behind them.
  event: null,
  correlation: null,
  causation: null,
  // Polymorphic: the table is named by a sibling field (aggregateType, resultType).
  aggregate: null,
  result: null,
};

/** "userId" -> "users", "dimensions.courseId" -> "courses", "parsed.skills[].skillId" -> "skills". */
export function referencedTable(path: string, tables: ReadonlySet<string>): string | undefined {
  const last = path.split('.').pop()!.replace(/\[\]$/, '');
  const m = /^([a-z][A-Za-z]*)Id$/.exec(last);
  if (!m) return undefined;
  const stem = m[1].replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  if (stem in TABLE_OF) {
    const t = TABLE_OF[stem];
    return t && tables.has(t) ? t : undefined;
  }
  const plural = stem.endsWith('y') ? `${stem.slice(0, -1)}ies` : `${stem}s`;
  return tables.has(plural) ? plural : undefined;
}

/** The fields holding a uuid that names a PostgreSQL row, with the table. */
export function pgReferences(fields: readonly MongoField[], tables: ReadonlySet<string>): Array<{ path: string; table: string }> {
  const out: Array<{ path: string; table: string }> = [];
  for (const f of fields) {
    if (!f.pattern || !UUID_PATTERN.test(f.pattern)) continue;
    const table = referencedTable(f.path, tables);
    if (table) out.push({ path: f.path, table });
  }
  return out;
}
