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

/**
 * One row per declared field, depth first in the validator's own order: sub-document fields as
 * "a.b", array items as "a[]" (and their fields as "a[].b"), the values of a free-keyed map as "a.*".
 * `required` means required within its parent (a required field of an optional sub-document is only
 * required when the sub-document is present).
 */
export function validatorFields(validator: Schema | undefined): { fields: MongoField[]; closed: boolean; alternatives: string[] } {
  const root = isSchema(validator?.$jsonSchema) ? (validator!.$jsonSchema as Schema) : validator;
  if (!isSchema(root)) return { fields: [], closed: false, alternatives: [] };
  const fields: MongoField[] = [];
  const alternatives: string[] = [];

  const walk = (s: Schema, prefix: string) => {
    const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
    const props = isSchema(s.properties) ? s.properties : {};
    for (const [name, sub] of Object.entries(props)) {
      if (!isSchema(sub)) continue;
      field(sub, prefix ? `${prefix}.${name}` : name, required.has(name));
    }
    if (isSchema(s.additionalProperties)) field(s.additionalProperties, prefix ? `${prefix}.*` : '*', false);
    for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
      const list = s[key];
      if (Array.isArray(list) && list.length) alternatives.push(`${prefix || 'the document'} must match ${WORD[key]}: ${list.map(describe).join('; ')}`);
    }
  };

  const field = (s: Schema, path: string, required: boolean) => {
    const row: MongoField = { path, types: typesOf(s), required };
    if (Array.isArray(s.enum)) row.enum = s.enum;
    if (typeof s.pattern === 'string') row.pattern = s.pattern;
    const limits = limitsOf(s);
    if (limits) row.limits = limits;
    fields.push(row);
    if (isSchema(s.properties) || isSchema(s.additionalProperties) || Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) walk(s, path);
    if (isSchema(s.items)) {
      const items = s.items;
      if (isSchema(items.properties)) {
        fields.push({ path: `${path}[]`, types: typesOf(items), required: false, ...(limitsOf(items) ? { limits: limitsOf(items) } : {}) });
        walk(items, `${path}[]`);
      } else {
        field(items, `${path}[]`, false);
      }
    }
  };

  walk(root, '');
  return { fields, closed: root.additionalProperties === false, alternatives };
}

const WORD = { oneOf: 'exactly one of', anyOf: 'at least one of', allOf: 'all of' } as const;

/** A sub-schema in words: "algorithm is sm2 and sm2 is present". */
function describe(s: unknown): string {
  if (!isSchema(s)) return JSON.stringify(s);
  const parts: string[] = [];
  if (isSchema(s.properties)) {
    for (const [name, sub] of Object.entries(s.properties)) {
      if (isSchema(sub) && Array.isArray(sub.enum)) parts.push(`${name} is ${sub.enum.map(String).join(' or ')}`);
      else parts.push(`${name} matches ${JSON.stringify(sub)}`);
    }
  }
  if (Array.isArray(s.required) && s.required.length) parts.push(`${s.required.map(String).join(', ')} ${s.required.length > 1 ? 'are' : 'is'} present`);
  const rest = Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'properties' && k !== 'required'));
  if (Object.keys(rest).length) parts.push(JSON.stringify(rest));
  return parts.join(' and ') || '{}';
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
