/**
 * A client-side checker of MongoDB's $jsonSchema dialect (draft 4 with `bsonType`, no $ref, no
 * format, no default). It answers what a MongoDB server with the validator in force would answer,
 * which FerretDB cannot: fixture tests and the seeder run it before writing.
 *
 * BSON types are judged as the Node driver would serialise the value: a whole JS number inside the
 * int32 range goes out as "int", any other number as "double", a bigint as "long".
 */
import type { JsonSchema } from './schema';

export interface Violation {
  /** Dotted path to the offending value ("" for the document itself), e.g. "actor.mbox", "segments.3.views". */
  path: string;
  keyword: string;
  message: string;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The BSON type name the driver would give a JS value. */
export function bsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'long';
    case 'number':
      return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX ? 'int' : 'double';
  }
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  const bsontype = (value as { _bsontype?: string })._bsontype;
  switch (bsontype) {
    case 'ObjectId':
    case 'ObjectID':
      return 'objectId';
    case 'Int32':
      return 'int';
    case 'Long':
      return 'long';
    case 'Double':
      return 'double';
    case 'Decimal128':
      return 'decimal';
    case 'Binary':
      return 'binData';
    case 'Timestamp':
      return 'timestamp';
    case 'BSONRegExp':
      return 'regex';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'Code':
      return 'javascript';
  }
  return 'object';
}

const NUMERIC = new Set(['int', 'long', 'double', 'decimal']);

function matchesBsonType(actual: string, wanted: string): boolean {
  if (wanted === 'number') return NUMERIC.has(actual);
  if (wanted === 'boolean') return actual === 'bool';
  return actual === wanted;
}

/** JSON Schema `type` keyword: JSON types over BSON values (integer is not allowed by MongoDB). */
function matchesJsonType(actual: string, wanted: string): boolean {
  switch (wanted) {
    case 'object':
      return actual === 'object';
    case 'array':
      return actual === 'array';
    case 'string':
      return actual === 'string';
    case 'number':
      return NUMERIC.has(actual);
    case 'boolean':
      return actual === 'bool';
    case 'null':
      return actual === 'null';
  }
  return false;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const t = bsonTypeOf(value);
  if (NUMERIC.has(t)) return Number(String((value as { toString(): string }).toString()));
  return undefined;
}

/** Deep equality over BSON-ish values (enum, uniqueItems). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ta = bsonTypeOf(a);
  const tb = bsonTypeOf(b);
  if (NUMERIC.has(ta) && NUMERIC.has(tb)) return toNumber(a) === toNumber(b);
  if (ta !== tb) return false;
  if (ta === 'date') return (a as Date).getTime() === (b as Date).getTime();
  if (ta === 'objectId') return String(a) === String(b);
  if (ta === 'array') {
    const x = a as unknown[];
    const y = b as unknown[];
    return x.length === y.length && x.every((v, i) => same(v, y[i]));
  }
  if (ta === 'object') {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const kx = Object.keys(x).filter((k) => x[k] !== undefined);
    const ky = Object.keys(y).filter((k) => y[k] !== undefined);
    return kx.length === ky.length && kx.every((k, i) => k === ky[i] && same(x[k], y[k]));
  }
  return false;
}

const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
const show = (v: unknown) => {
  const t = bsonTypeOf(v);
  if (t === 'string') return JSON.stringify(v);
  if (t === 'date') return (v as Date).toISOString();
  if (t === 'object' || t === 'array') return t;
  return String(v);
};

function check(schema: JsonSchema, value: unknown, path: string, out: Violation[]): void {
  const add = (keyword: string, message: string) => out.push({ path, keyword, message });
  const type = bsonTypeOf(value);

  if (schema.bsonType !== undefined) {
    const wanted = ([] as string[]).concat(schema.bsonType as string | string[]);
    if (!wanted.some((w) => matchesBsonType(type, w))) {
      add('bsonType', `expected ${wanted.join(' or ')}, got ${type}`);
      return; // the other keywords would only repeat the type error
    }
  }
  if (schema.type !== undefined) {
    const wanted = ([] as string[]).concat(schema.type as string | string[]);
    if (!wanted.some((w) => matchesJsonType(type, w))) {
      add('type', `expected ${wanted.join(' or ')}, got ${type}`);
      return;
    }
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).some((e) => same(e, value))) {
    add('enum', `${show(value)} is not one of ${(schema.enum as unknown[]).map(show).join(', ')}`);
  }

  if (type === 'string') {
    const s = value as string;
    const length = [...s].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) add('minLength', `shorter than ${schema.minLength} characters`);
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) add('maxLength', `longer than ${schema.maxLength} characters`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(s)) add('pattern', `${show(s)} does not match /${schema.pattern}/`);
  }

  if (NUMERIC.has(type)) {
    const n = toNumber(value)!;
    // Draft 4: exclusiveMinimum/exclusiveMaximum are booleans modifying minimum/maximum.
    if (typeof schema.minimum === 'number' && (schema.exclusiveMinimum === true ? n <= schema.minimum : n < schema.minimum)) {
      add('minimum', `${n} is below the minimum ${schema.minimum}${schema.exclusiveMinimum === true ? ' (exclusive)' : ''}`);
    }
    if (typeof schema.maximum === 'number' && (schema.exclusiveMaximum === true ? n >= schema.maximum : n > schema.maximum)) {
      add('maximum', `${n} is above the maximum ${schema.maximum}${schema.exclusiveMaximum === true ? ' (exclusive)' : ''}`);
    }
    if (typeof schema.multipleOf === 'number' && Math.abs(n / schema.multipleOf - Math.round(n / schema.multipleOf)) > 1e-9) add('multipleOf', `${n} is not a multiple of ${schema.multipleOf}`);
  }

  if (type === 'array') {
    const arr = value as unknown[];
    if (typeof schema.minItems === 'number' && arr.length < schema.minItems) add('minItems', `has ${arr.length} items, fewer than ${schema.minItems}`);
    if (typeof schema.maxItems === 'number' && arr.length > schema.maxItems) add('maxItems', `has ${arr.length} items, more than ${schema.maxItems}`);
    if (schema.uniqueItems === true && arr.some((v, i) => arr.findIndex((w) => same(v, w)) !== i)) add('uniqueItems', 'items are not unique');
    if (Array.isArray(schema.items)) {
      const tuple = schema.items as JsonSchema[];
      tuple.forEach((s, i) => i < arr.length && check(s, arr[i], join(path, i), out));
      if (arr.length > tuple.length) {
        if (schema.additionalItems === false) add('additionalItems', `has ${arr.length} items, at most ${tuple.length} allowed`);
        else if (schema.additionalItems && typeof schema.additionalItems === 'object') {
          for (let i = tuple.length; i < arr.length; i++) check(schema.additionalItems as JsonSchema, arr[i], join(path, i), out);
        }
      }
    } else if (schema.items && typeof schema.items === 'object') {
      arr.forEach((v, i) => check(schema.items as JsonSchema, v, join(path, i), out));
    }
  }

  if (type === 'object') {
    const obj = value as Record<string, unknown>;
    // A key whose value is undefined is not sent by the driver (ignoreUndefined aside): treat it as absent.
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
    if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties) add('minProperties', `has ${keys.length} fields, fewer than ${schema.minProperties}`);
    if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties) add('maxProperties', `has ${keys.length} fields, more than ${schema.maxProperties}`);
    for (const r of (schema.required as string[] | undefined) ?? []) {
      if (!keys.includes(r)) out.push({ path: join(path, r), keyword: 'required', message: 'is required but missing' });
    }
    const props = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
    const patterns = Object.entries((schema.patternProperties as Record<string, JsonSchema> | undefined) ?? {}).map(([p, s]) => [new RegExp(p, 'u'), s] as const);
    for (const k of keys) {
      let matched = false;
      if (props[k]) {
        matched = true;
        check(props[k], obj[k], join(path, k), out);
      }
      for (const [re, s] of patterns) {
        if (re.test(k)) {
          matched = true;
          check(s, obj[k], join(path, k), out);
        }
      }
      if (!matched) {
        if (schema.additionalProperties === false) out.push({ path: join(path, k), keyword: 'additionalProperties', message: 'is not allowed here' });
        else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') check(schema.additionalProperties as JsonSchema, obj[k], join(path, k), out);
      }
    }
    for (const [k, dep] of Object.entries((schema.dependencies as Record<string, string[] | JsonSchema> | undefined) ?? {})) {
      if (!keys.includes(k)) continue;
      if (Array.isArray(dep)) {
        for (const d of dep) if (!keys.includes(d)) out.push({ path: join(path, d), keyword: 'dependencies', message: `is required when ${k} is present` });
      } else {
        check(dep, value, path, out);
      }
    }
  }

  if (Array.isArray(schema.allOf)) for (const s of schema.allOf as JsonSchema[]) check(s, value, path, out);
  if (Array.isArray(schema.anyOf)) {
    const ok = (schema.anyOf as JsonSchema[]).some((s) => validate(s, value, path).length === 0);
    if (!ok) add('anyOf', 'matches none of the allowed alternatives');
  }
  if (Array.isArray(schema.oneOf)) {
    const n = (schema.oneOf as JsonSchema[]).filter((s) => validate(s, value, path).length === 0).length;
    if (n !== 1) add('oneOf', n === 0 ? 'matches none of the alternatives' : `matches ${n} alternatives, exactly one allowed`);
  }
  if (schema.not && typeof schema.not === 'object' && validate(schema.not as JsonSchema, value, path).length === 0) add('not', 'matches a schema it must not match');
}

/** Every violation of `schema` by `value`; an empty list means MongoDB would accept it. */
export function validate(schema: JsonSchema, value: unknown, path = ''): Violation[] {
  const out: Violation[] = [];
  check(schema, value, path, out);
  return out;
}

/** Checks a document against a collection validator ({ $jsonSchema: ... }). */
export function validateDocument(validator: { $jsonSchema: JsonSchema }, doc: unknown): Violation[] {
  return validate(validator.$jsonSchema, doc);
}

export function formatViolations(violations: Violation[]): string {
  return violations.map((v) => `${v.path || '(document)'}: ${v.message}`).join('; ');
}
