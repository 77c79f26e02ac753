/**
 * The judgement: documented contract (Manifest) against a live shape. Pure functions over plain data,
 * no I/O, so every drift rule is testable without a server and the CLI only renders what comes back.
 */
import { encryptionSatisfies } from '../../s3-layout';
import type { StoreName } from '../errors';
import type { Capability, MongoShape, PgShape, S3Shape } from '../stores/shapes';
import { allTables, groupOf, ttlSeconds, uniquePrefixes, type Manifest } from '../summary/manifest';
import type { DocWarning } from '../summary/parse';

export type VerifyStatus = 'ok' | 'warning' | 'missing' | 'different' | 'unexpected';

export type VerifyKind =
  | 'table'
  | 'enum'
  | 'collection'
  | 'ttl'
  | 'validator'
  | 'index'
  | 'prefix'
  | 'bucket'
  | 'bucket-setting'
  | 'health'
  | 'embedding'
  | 'doc';

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

/** The hardening the S3 layout declares; the S3 layout module produces it, verify only compares. */
export interface S3Expectation {
  /** true: versioning must be Enabled. false: not checked. */
  versioning: boolean;
  /** Default server-side encryption algorithm, e.g. 'AES256'; null: not checked. */
  encryption: string | null;
  /** true: all four public-access-block flags must be set. */
  blockPublicAccess: boolean;
  /** Lifecycle rule ids the bucket must have; rules with other ids are left alone (not drift). */
  lifecycleRuleIds: string[];
  /** CORS origins that must be allowed; any other allowed origin is a warning (it widens access). */
  corsOrigins: string[];
}

/** Tables the migration tooling owns; they are infrastructure, not schema drift. */
export function isBookkeepingTable(name: string): boolean {
  return name === 'knex_migrations' || name === 'knex_migrations_lock' || name.startsWith('recruit_db_');
}

/** Collections the migration tooling or the server owns. */
export function isBookkeepingCollection(name: string): boolean {
  return name.startsWith('recruit_db_') || name.startsWith('changelog') || name.startsWith('system.');
}

const NOT_IN_SUMMARY = 'Not in summary';

// ---------------------------------------------------------------------------------------------- postgres

export function verifyPostgres(manifest: Manifest, shape: PgShape): StoreReport {
  const items: VerifyItem[] = [];
  const add = (group: string, kind: VerifyKind, name: string, status: VerifyStatus, detail?: string) =>
    items.push(withDetail({ store: 'postgres', group, kind, name, status }, detail));

  const live = new Set(shape.tables);
  const listed = new Set(allTables(manifest));
  for (const g of manifest.pgGroups) {
    for (const t of g.tables) add(g.name, 'table', t, live.has(t) ? 'ok' : 'missing', live.has(t) ? undefined : 'no such table in the public schema');
  }

  const documentedEnums = new Set(manifest.enums.map((e) => e.name));
  for (const e of manifest.enums) {
    const labels = shape.enums[e.name];
    if (!labels) {
      add('Enum Types', 'enum', e.name, 'missing', 'no such enum type');
      continue;
    }
    const diff = labelDiff(e.labels, labels);
    add('Enum Types', 'enum', e.name, diff ? 'different' : 'ok', diff);
  }

  // Health findings are reported only when they fail: a passing check is implied by its absence, and
  // 50 extra "has a primary key" lines would bury the ones that matter.
  for (const t of shape.tables) {
    if (listed.has(t) && !shape.primaryKeys[t]?.length) add('Health', 'health', t, 'different', 'table has no primary key');
  }
  for (const fk of shape.foreignKeys) {
    if (fk.indexed || isBookkeepingTable(fk.table)) continue;
    const cols = fk.columns.join(', ');
    add('Health', 'health', `${fk.table}.${fk.constraint}`, 'different', `foreign key (${cols}) -> ${fk.referencedTable} has no index starting with (${cols})`);
  }
  for (const e of manifest.enums) {
    if (shape.enums[e.name] && !(shape.enumUsage[e.name]?.length)) {
      add('Health', 'health', e.name, 'different', 'enum type is not used by any column');
    }
  }

  if (shape.embeddings.length > 0) {
    const group = groupOf(manifest, shape.embeddings[0].table) ?? 'Vector Search';
    const cols = shape.embeddings.map((e) => `${e.table}.${e.column}`).join(', ');
    const fallback = shape.embeddings.filter((e) => e.storage === 'array');
    if (fallback.length === 0) {
      const version = shape.extensions.vector ? ` ${shape.extensions.vector}` : '';
      add(group, 'embedding', 'embeddings', 'ok', `pgvector${version}: ${cols}`);
    } else {
      add(
        group,
        'embedding',
        'embeddings',
        'warning',
        `embeddings stored as real[] fallback: pgvector not available on this server (PostgreSQL ${shape.server.version}): ${fallback
          .map((e) => `${e.table}.${e.column}`)
          .join(', ')}`,
      );
    }
  }

  // Undocumented objects last, so items otherwise follow the summary's document order.
  for (const t of shape.tables) {
    if (!listed.has(t) && !isBookkeepingTable(t)) add(NOT_IN_SUMMARY, 'table', t, 'unexpected', 'table exists but the summary does not list it');
  }
  for (const name of Object.keys(shape.enums).sort()) {
    if (!documentedEnums.has(name) && !name.startsWith('recruit_db_')) {
      add(NOT_IN_SUMMARY, 'enum', name, 'unexpected', 'enum type exists but the summary does not list it');
    }
  }
  return report('postgres', items);
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

// ---------------------------------------------------------------------------------------------- mongo

const VALIDATOR_FEATURES = ['jsonschemavalidator', 'jsonschema', 'validator', 'validators', 'collectionvalidator'];
const TTL_FEATURES = ['ttlindex', 'ttlindexes', 'ttl'];

export function verifyMongo(manifest: Manifest, shape: MongoShape): StoreReport {
  const items: VerifyItem[] = [];
  const add = (group: string, kind: VerifyKind, name: string, status: VerifyStatus, detail?: string) =>
    items.push(withDetail({ store: 'mongo', group, kind, name, status }, detail));
  const group = 'Collections';
  const noValidators = unsupported(shape.capabilities, VALIDATOR_FEATURES);
  const noTtl = unsupported(shape.capabilities, TTL_FEATURES);
  const told = new Set<Capability>();
  const documented = new Set(manifest.mongoCollections.map((c) => c.name));

  for (const def of manifest.mongoCollections) {
    const coll = shape.collections[def.name];
    if (!coll) {
      // Validator and TTL of an absent collection are consequences, not separate findings.
      add(group, 'collection', def.name, 'missing', 'no such collection');
      continue;
    }
    add(group, 'collection', def.name, 'ok');

    const hasValidator = coll.validator !== undefined && Object.keys(coll.validator).length > 0;
    if (noValidators) {
      // Even a stored validator is not enforced by such a server, so this is never "ok".
      add(group, 'validator', def.name, 'warning', `${hasValidator ? 'validator stored but not enforced' : 'no validator'}: ${capabilityText(noValidators, '$jsonSchema validators', told)}`);
    } else if (!hasValidator) {
      add(group, 'validator', def.name, 'missing', 'no $jsonSchema validator');
    } else if (coll.validationLevel === 'off') {
      add(group, 'validator', def.name, 'different', 'validator present but validationLevel is "off"');
    } else {
      add(group, 'validator', def.name, 'ok', coll.validationAction && coll.validationAction !== 'error' ? `validationAction "${coll.validationAction}"` : undefined);
    }

    const ttlIndexes = coll.indexes.filter((i) => typeof i.expireAfterSeconds === 'number');
    if (def.ttlDays === undefined) {
      for (const i of ttlIndexes) {
        add(group, 'ttl', def.name, 'unexpected', `index "${i.name}" expires documents after ${i.expireAfterSeconds} s; the summary documents no TTL`);
      }
      continue;
    }
    const want = ttlSeconds(def.ttlDays);
    const match = ttlIndexes.find((i) => i.expireAfterSeconds === want);
    if (match) {
      add(group, 'ttl', def.name, 'ok', `index "${match.name}": expireAfterSeconds ${want} (${def.ttlDays} days)`);
      for (const i of ttlIndexes) {
        if (i !== match) add(group, 'ttl', def.name, 'unexpected', `second TTL index "${i.name}" expires documents after ${i.expireAfterSeconds} s`);
      }
    } else if (ttlIndexes.length > 0) {
      for (const i of ttlIndexes) {
        add(group, 'ttl', def.name, 'different', `index "${i.name}" expireAfterSeconds is ${i.expireAfterSeconds} (${days(i.expireAfterSeconds!)}), documented ${want} (${def.ttlDays} days)`);
      }
    } else if (noTtl) {
      add(group, 'ttl', def.name, 'warning', `documented ${def.ttlDays}-day TTL not in force: ${capabilityText(noTtl, 'TTL indexes', told)}`);
    } else {
      add(group, 'ttl', def.name, 'missing', `no TTL index (documented ${def.ttlDays} days = ${want} s)`);
    }
  }

  for (const name of Object.keys(shape.collections).sort()) {
    if (!documented.has(name) && !isBookkeepingCollection(name)) {
      add(NOT_IN_SUMMARY, 'collection', name, 'unexpected', 'collection exists but the summary does not list it');
    }
  }
  return report('mongo', items);
}

function days(seconds: number): string {
  const d = seconds / 86_400;
  return Number.isInteger(d) ? `${d} days` : `${d.toFixed(2)} days`;
}

// ---------------------------------------------------------------------------------------------- s3

const S3_FEATURES = {
  versioning: ['versioning', 'bucketversioning'],
  encryption: ['encryption', 'bucketencryption', 'serversideencryption', 'sse'],
  publicAccessBlock: ['publicaccessblock', 'blockpublicaccess', 'bucketpublicaccessblock'],
  lifecycle: ['lifecycle', 'bucketlifecycle', 'lifecycleconfiguration'],
  cors: ['cors', 'bucketcors'],
};

export function verifyS3(manifest: Manifest, shape: S3Shape, expected: S3Expectation): StoreReport {
  const items: VerifyItem[] = [];
  const add = (group: string, kind: VerifyKind, name: string, status: VerifyStatus, detail?: string) =>
    items.push(withDetail({ store: 's3', group, kind, name, status }, detail));

  if (!shape.exists) {
    add('Bucket', 'bucket', shape.bucket, 'missing', 'bucket does not exist');
    return report('s3', items);
  }
  add('Bucket', 'bucket', shape.bucket, 'ok');

  // A setting the server cannot do is a warning naming the server; anything else off-spec is drift.
  const setting = (name: string, features: string[], ok: boolean, value: unknown, problem: string) => {
    if (ok) return add('Bucket', 'bucket-setting', name, 'ok');
    const cap = unsupported(shape.capabilities, features);
    if (cap) return add('Bucket', 'bucket-setting', name, 'warning', capabilityText(cap, name));
    add('Bucket', 'bucket-setting', name, 'different', value === undefined ? `${name} not reported by the server` : problem);
  };

  if (expected.versioning) {
    const v = shape.versioning;
    setting('versioning', S3_FEATURES.versioning, v === 'Enabled', v, `versioning is ${v ?? 'not set'}`);
  }
  if (expected.encryption) {
    const e = shape.encryption;
    const ok = encryptionSatisfies(e, expected.encryption);
    if (ok && e !== expected.encryption) add('Bucket', 'bucket-setting', 'encryption', 'ok', `${e} (stronger than ${expected.encryption})`);
    else setting('encryption', S3_FEATURES.encryption, ok, e, e ? `encryption is ${e}, expected ${expected.encryption}` : `no default encryption (expected ${expected.encryption})`);
  }
  if (expected.blockPublicAccess) {
    const p = shape.publicAccessBlock;
    const off = p ? (Object.keys(p) as Array<keyof typeof p>).filter((k) => !p[k]) : [];
    setting(
      'public access block',
      S3_FEATURES.publicAccessBlock,
      !!p && off.length === 0,
      p,
      p ? `public access block incomplete: ${off.map((k) => `${k}=false`).join(', ')}` : 'no public access block',
    );
  }
  // The layout keeps rules it does not own (its own are found by id), so only missing ids are drift.
  // An extra lifecycle rule is harmless; an extra CORS origin widens access, so it is a warning.
  if (expected.lifecycleRuleIds.length > 0) {
    const have = shape.lifecycleRuleIds;
    const missing = expected.lifecycleRuleIds.filter((id) => !(have ?? []).includes(id));
    const others = (have ?? []).filter((id) => !expected.lifecycleRuleIds.includes(id));
    const problem = `missing lifecycle rule${missing.length > 1 ? 's' : ''} ${quoteList(missing)}`;
    if (have !== undefined && missing.length === 0 && others.length > 0) {
      add('Bucket', 'bucket-setting', 'lifecycle', 'ok', `also has rule${others.length > 1 ? 's' : ''} ${quoteList(others)}`);
    } else {
      setting('lifecycle', S3_FEATURES.lifecycle, have !== undefined && missing.length === 0, have, problem);
    }
  }
  if (expected.corsOrigins.length > 0) {
    const have = shape.corsOrigins;
    const missing = expected.corsOrigins.filter((o) => !(have ?? []).includes(o));
    const extra = (have ?? []).filter((o) => !expected.corsOrigins.includes(o));
    if (have !== undefined && missing.length === 0 && extra.length > 0) {
      add('Bucket', 'bucket-setting', 'cors', 'warning', `CORS also allows origin${extra.length > 1 ? 's' : ''} ${quoteList(extra)}`);
    } else {
      setting('cors', S3_FEATURES.cors, have !== undefined && missing.length === 0, have, `missing CORS origin${missing.length > 1 ? 's' : ''} ${quoteList(missing)}`);
    }
  }

  const markers = new Set(shape.markers.map(withSlash));
  for (const { prefix, assetTypes } of uniquePrefixes(manifest)) {
    const present = markers.has(withSlash(prefix));
    add('Asset Types', 'prefix', prefix, present ? 'ok' : 'missing', present ? assetTypes.join(', ') : `no prefix marker (for ${assetTypes.join(', ')})`);
  }
  return report('s3', items);
}

function withSlash(p: string): string {
  return p.endsWith('/') ? p : `${p}/`;
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

/** Returns a copy whose `failures` counts warnings too when strict. Items keep their own status. */
/**
 * Documentation warnings describe the summary file, which no store change can fix: --strict (meant
 * for production against real AWS and MongoDB) judges the stores, never the document.
 */
function strictApplies(r: StoreReport, strict: boolean): boolean {
  return strict && r.store !== 'summary';
}

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

function report(store: ReportStore, items: VerifyItem[]): StoreReport {
  const totals = totalsOf(items);
  return { store, items, totals, strict: false, failures: failuresOf(totals, false) };
}

function withDetail(item: VerifyItem, detail: string | undefined): VerifyItem {
  return detail ? { ...item, detail } : item;
}

function unsupported(caps: Capability[], features: string[]): Capability | undefined {
  return caps.find((c) => !c.supported && features.includes(c.feature.toLowerCase().replace(/[^a-z]/g, '')));
}

/**
 * "X not supported by SERVER (its answer)". The server's answer is long and the same for every item
 * it affects (ten validators), so a report gives it once, on the first such item.
 */
function capabilityText(c: Capability, what: string, told?: Set<Capability>): string {
  const seen = told?.has(c) ?? false;
  told?.add(c);
  const reason = !c.reason ? '' : seen ? ' (as above)' : ` (${c.reason})`;
  return `${what} not supported by ${c.server}${reason}`;
}

function quoteList(xs: string[]): string {
  return xs.map((x) => `"${x}"`).join(', ');
}
