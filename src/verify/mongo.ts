/**
 * MongoDB: the expected shape against the summary, and the live database against the expected
 * shape's variant for what its server accepted (see compare.ts for the shared items and verdict).
 */
import { FEATURES } from '../stores/mongo/apply';
import { isBookkeepingCollection, mongoEntries } from '../stores/mongo/introspect';
import { selectVariant } from '../stores/shape-file';
import type { Capability, MongoShape, ShapeConditions, ShapeEntry } from '../stores/shapes';
import { ttlSeconds, type Manifest } from '../summary/manifest';
import { diffEntries, itemName } from './deep';
import { describeConditions } from './expected';
import { capabilityText, collector, deepItem, migrationState, MIGRATIONS, NOT_IN_SUMMARY, report, staleShape, unsupported, type Add, type ExpectedShape, type StoreReport } from './compare';

/** The MongoDB features a server may refuse (apply.ts falls back and records it). */
export const MONGO_CAPABILITIES: readonly string[] = Object.values(FEATURES);

/** Which variant a live MongoDB is, from the capability record the migrations wrote (no record: capable). */
export function mongoConditions(shape: Pick<MongoShape, 'capabilities'>): ShapeConditions {
  return Object.fromEntries(MONGO_CAPABILITIES.map((f) => [f, shape.capabilities.find((c) => c.feature === f)?.supported ?? true]));
}

const VALIDATOR_FEATURES = ['jsonschemavalidator', 'jsonschema', 'validator', 'validators', 'collectionvalidator'];
const TTL_FEATURES = ['ttlindex', 'ttlindexes', 'ttl'];

const ALL_PRESENT: ShapeConditions = {};

/** The TTL index of a collection in a set of entries: name and seconds. */
function ttlIndexOf(entries: ShapeEntry[], collection: string): { name: string; seconds: number } | undefined {
  for (const e of entries) {
    if (e.name !== collection || e.part?.kind !== 'index' || typeof e.value !== 'object' || e.value === null || Array.isArray(e.value)) continue;
    const s = (e.value as { expireAfterSeconds?: unknown }).expireAfterSeconds;
    if (typeof s === 'number') return { name: e.part.name, seconds: s };
  }
  return undefined;
}

/**
 * MongoDB: the expected shape against the summary (collections, a validator each, the documented
 * TTLs), then the live database against the expected shape's variant for what its server accepted
 * (the capability record: FerretDB keeps neither validators nor TTL indexes), at full depth. What the
 * server cannot do is a warning naming it, never "ok".
 */
export function verifyMongo(manifest: Manifest, shape: MongoShape, expected?: ExpectedShape): StoreReport {
  const { items, add } = collector('mongo');
  const group = 'Collections';
  const noValidators = unsupported(shape.capabilities, VALIDATOR_FEATURES);
  const noTtl = unsupported(shape.capabilities, TTL_FEATURES);
  const told = new Set<Capability>();
  const documented = new Set(manifest.mongoCollections.map((c) => c.name));

  if (!expected) {
    namesOnlyMongo(manifest, shape, add);
    add(MIGRATIONS, 'shape', 'expected shape', 'warning', 'no expected shape for this migrations folder: only the documented names were compared (write one with `recruit-db schema dump`)');
    return report('mongo', items);
  }

  const conditions = mongoConditions(shape);
  const schemaOnly = (es: ShapeEntry[]) => es.filter((e) => !isBookkeepingCollection(e.name));
  const exp = schemaOnly(selectVariant(expected.entries, conditions));
  const capable = schemaOnly(selectVariant(expected.entries, ALL_PRESENT));
  const expCollections = new Set(exp.filter((e) => e.kind === 'collection' && !e.part).map((e) => e.name));

  for (const def of manifest.mongoCollections) {
    if (!expCollections.has(def.name)) {
      add(group, 'collection', def.name, 'missing', `documented, but the migrations do not create it (${expected.path})`);
      continue;
    }
    if (!capable.some((e) => e.name === def.name && e.part?.kind === 'validator')) add(group, 'validator', def.name, 'missing', 'the migrations give it no $jsonSchema validator');
    const ttl = ttlIndexOf(capable, def.name);
    if (def.ttlDays === undefined && ttl) add(group, 'ttl', def.name, 'unexpected', `the migrations give it TTL index "${ttl.name}" (${ttl.seconds} s); the summary documents no TTL`);
    if (def.ttlDays !== undefined && !keepsTtl(ttl?.seconds, def.ttlDays)) {
      add(group, 'ttl', def.name, ttl ? 'different' : 'missing', ttl ? `the migrations' TTL index "${ttl.name}" expires after ${ttl.seconds} s (${days(ttl.seconds)}), documented ${ttlSeconds(def.ttlDays)} (${def.ttlDays} days)` : `the migrations create no TTL index (documented ${def.ttlDays} days)`);
    }
  }
  for (const c of [...expCollections].sort()) if (!documented.has(c)) add(NOT_IN_SUMMARY, 'collection', c, 'unexpected', 'created by the migrations, but the summary does not list it');
  staleShape(expected, add);

  if (migrationState(expected, shape.migrations, add, 'run `recruit-db migrate` to bring the database to the expected shape')) return report('mongo', items);

  const diffs = diffEntries(exp, mongoEntries(shape), (e) => isBookkeepingCollection(e.name)).filter((d) => {
    const e = d.expected ?? d.live!;
    return e.part || !(documented.has(e.name) && expCollections.has(e.name));
  });
  const deep = new Set(diffs.map((d) => itemName(d.expected ?? d.live!)));
  const validatorDrift = new Set(diffs.filter((d) => (d.expected ?? d.live!).part?.kind === 'validator').map((d) => (d.expected ?? d.live!).name));

  for (const def of manifest.mongoCollections) {
    if (!expCollections.has(def.name)) continue;
    const coll = shape.collections[def.name];
    if (!coll) {
      // Validator and TTL of an absent collection are consequences, not separate findings.
      add(group, 'collection', def.name, 'missing', 'no such collection');
      continue;
    }
    add(group, 'collection', def.name, 'ok');
    if (!validatorDrift.has(def.name)) {
      if (noValidators) {
        // Even a stored validator is not enforced by such a server, so this is never "ok".
        add(group, 'validator', def.name, 'warning', `${coll.validator ? 'validator stored but not enforced' : 'no validator'}: ${capabilityText(noValidators, '$jsonSchema validators', told)}`);
      } else {
        add(group, 'validator', def.name, 'ok', coll.validationAction && coll.validationAction !== 'error' ? `validationAction "${coll.validationAction}"` : undefined);
      }
    }
    const ttl = def.ttlDays === undefined ? undefined : ttlIndexOf(capable, def.name);
    if (def.ttlDays !== undefined && ttl && !deep.has(`${def.name}.${ttl.name}`)) {
      if (noTtl) add(group, 'ttl', def.name, 'warning', `documented ${def.ttlDays}-day TTL not in force: ${capabilityText(noTtl, 'TTL indexes', told)}`);
      else add(group, 'ttl', def.name, 'ok', ttlText(ttl.name, ttl.seconds, def.ttlDays));
    }
  }
  for (const d of diffs) {
    const e = d.expected ?? d.live!;
    deepItem(add, documented.has(e.name) ? group : NOT_IN_SUMMARY, d, 'the expected shape');
  }
  add(MIGRATIONS, 'shape', 'expected shape', 'ok', `${exp.length} definitions compared with ${expected.path} (${describeConditions(conditions)})`);
  return report('mongo', items);
}

/** Without an expected shape: collections exist, each with a validator and its documented TTL. */
function namesOnlyMongo(manifest: Manifest, shape: MongoShape, add: Add): void {
  const group = 'Collections';
  const noValidators = unsupported(shape.capabilities, VALIDATOR_FEATURES);
  const noTtl = unsupported(shape.capabilities, TTL_FEATURES);
  const told = new Set<Capability>();
  for (const def of manifest.mongoCollections) {
    const coll = shape.collections[def.name];
    if (!coll) {
      add(group, 'collection', def.name, 'missing', 'no such collection');
      continue;
    }
    add(group, 'collection', def.name, 'ok');
    const hasValidator = coll.validator !== undefined && Object.keys(coll.validator).length > 0;
    if (noValidators) add(group, 'validator', def.name, 'warning', `${hasValidator ? 'validator stored but not enforced' : 'no validator'}: ${capabilityText(noValidators, '$jsonSchema validators', told)}`);
    else if (!hasValidator) add(group, 'validator', def.name, 'missing', 'no $jsonSchema validator');
    else if (coll.validationLevel === 'off') add(group, 'validator', def.name, 'different', 'validator present but validationLevel is "off"');
    else add(group, 'validator', def.name, 'ok');
    const ttlIndexes = coll.indexes.filter((i) => typeof i.expireAfterSeconds === 'number');
    if (def.ttlDays === undefined) {
      for (const i of ttlIndexes) add(group, 'ttl', def.name, 'unexpected', `index "${i.name}" expires documents after ${i.expireAfterSeconds} s; the summary documents no TTL`);
      continue;
    }
    const want = ttlSeconds(def.ttlDays);
    const match = ttlIndexes.find((i) => keepsTtl(i.expireAfterSeconds, def.ttlDays!));
    if (match) {
      add(group, 'ttl', def.name, 'ok', ttlText(match.name, match.expireAfterSeconds!, def.ttlDays));
      for (const i of ttlIndexes) if (i !== match) add(group, 'ttl', def.name, 'unexpected', `second TTL index "${i.name}" expires documents after ${i.expireAfterSeconds} s`);
    } else if (ttlIndexes.length > 0) {
      for (const i of ttlIndexes) add(group, 'ttl', def.name, 'different', `index "${i.name}" expireAfterSeconds is ${i.expireAfterSeconds} (${days(i.expireAfterSeconds!)}), documented ${want} (${def.ttlDays} days)`);
    } else if (noTtl) {
      add(group, 'ttl', def.name, 'warning', `documented ${def.ttlDays}-day TTL not in force: ${capabilityText(noTtl, 'TTL indexes', told)}`);
    } else {
      add(group, 'ttl', def.name, 'missing', `no TTL index (documented ${def.ttlDays} days = ${want} s)`);
    }
  }
  const documented = new Set(manifest.mongoCollections.map((c) => c.name));
  for (const name of Object.keys(shape.collections).sort()) {
    if (!documented.has(name) && !isBookkeepingCollection(name)) add(NOT_IN_SUMMARY, 'collection', name, 'unexpected', 'collection exists but the summary does not list it');
  }
}

/**
 * A documented N-day TTL is kept either by a fixed TTL (expireAfterSeconds = N days) or by a
 * per-document expiry (expireAfterSeconds 0 on an expireAt the writer sets from what the document
 * means plus the N days: issue 14's way, so a notification scheduled ahead is not deleted before it
 * is sent). The shape cannot see the writer's arithmetic; the detail says so.
 */
function keepsTtl(seconds: number | undefined, ttlDays: number): boolean {
  return seconds === ttlSeconds(ttlDays) || seconds === 0;
}

function ttlText(index: string, seconds: number, ttlDays: number): string {
  return seconds === 0
    ? `index "${index}": per-document expiry (expireAfterSeconds 0: each document goes at its own expiry date, which its writer sets ${ttlDays} days after what it records)`
    : `index "${index}": expireAfterSeconds ${seconds} (${ttlDays} days)`;
}

function days(seconds: number): string {
  const d = seconds / 86_400;
  return Number.isInteger(d) ? `${d} days` : `${d.toFixed(2)} days`;
}

