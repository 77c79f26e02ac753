import type { Config } from '../../src/config';
import { postgresEntries } from '../../src/stores/postgres/introspect';
import { mongoEntries } from '../../src/stores/mongo/introspect';
import type { BucketSettings } from '../../src/stores/s3/introspect';
import { desiredBucket, type DesiredBucket } from '../../src/stores/s3/migrate';
import type { Capability, MongoShape, PgShape, PgTable } from '../../src/stores/shapes';
import { allTables, ttlSeconds, type Manifest } from '../../src/summary/manifest';
import type { ExpectedShape } from '../../src/verify/compare';

/**
 * Live shapes that match a manifest exactly, built from the manifest itself, so a test can apply one
 * drift and assert that verify names it (and nothing else).
 */
export function cleanPgShape(m: Manifest, embeddings: 'pgvector' | 'array' = 'pgvector'): PgShape {
  const tables = [...allTables(m), 'knex_migrations', 'knex_migrations_lock', 'recruit_db_lock'].sort();
  const primaryKeys: PgShape['primaryKeys'] = {};
  for (const t of tables) primaryKeys[t] = ['id'];
  const enums: PgShape['enums'] = {};
  const enumUsage: PgShape['enumUsage'] = {};
  for (const e of m.enums) {
    enums[e.name] = [...e.labels];
    enumUsage[e.name] = [{ table: 'users', column: `${e.name}_col` }];
  }
  const schemaTables: Record<string, PgTable> = {};
  for (const t of tables) {
    schemaTables[t] = {
      name: t,
      kind: 'table',
      unlogged: false,
      rowSecurity: false,
      columns: [
        { name: 'id', type: 'uuid', nullable: false, default: 'gen_random_uuid()' },
        { name: 'title', type: 'text', nullable: false },
      ],
      constraints: { [`${t}_pkey`]: { name: `${t}_pkey`, type: 'primary key', definition: 'PRIMARY KEY (id)', columns: ['id'], deferrable: false, initiallyDeferred: false, validated: true } },
      indexes: { [`${t}_pkey`]: { name: `${t}_pkey`, method: 'btree', unique: true, keys: ['id'], include: [], constraint: `${t}_pkey`, valid: true, definition: 'USING btree (id)' } },
      triggers: {},
    };
  }
  return {
    server: { version: embeddings === 'pgvector' ? '16.4' : '15.10', versionNum: embeddings === 'pgvector' ? 160004 : 150010 },
    tables,
    enums,
    primaryKeys,
    foreignKeys: [{ table: 'students', constraint: 'students_user_id_foreign', columns: ['user_id'], referencedTable: 'users', indexed: true }],
    enumUsage,
    embeddings: [
      { table: 'student_embeddings', column: 'embedding', storage: embeddings, dimensions: 1536 },
      { table: 'job_embeddings', column: 'embedding', storage: embeddings, dimensions: 1536 },
    ],
    extensions: embeddings === 'pgvector' ? { plpgsql: '1.0', vector: '0.8.0' } : { plpgsql: '1.0' },
    schema: { tables: schemaTables, views: {}, functions: {}, domains: {}, sequences: {} },
    migrations: ['0001_first', '0002_second'],
  };
}

/** An expected shape that is exactly this live shape (what a clean migrate gives), as verify loads it. */
export function expectedOf(shape: PgShape | MongoShape): ExpectedShape {
  const entries = 'schema' in shape ? postgresEntries(shape) : mongoEntries(shape);
  return { path: 'expected-shape.txt', migrations: [...shape.migrations], entries, files: [...shape.migrations] };
}

export function cleanMongoShape(m: Manifest): MongoShape {
  const collections: MongoShape['collections'] = {};
  for (const c of m.mongoCollections) {
    collections[c.name] = {
      validator: { $jsonSchema: { bsonType: 'object' } },
      validationLevel: 'strict',
      validationAction: 'error',
      indexes: [
        { name: '_id_', key: { _id: 1 } },
        ...(c.ttlDays === undefined ? [] : [{ name: 'ttl_created_at', key: { created_at: 1 }, expireAfterSeconds: ttlSeconds(c.ttlDays) }]),
      ],
    };
  }
  collections.changelog = { indexes: [{ name: '_id_', key: { _id: 1 } }] };
  collections.recruit_db_lock = { indexes: [{ name: '_id_', key: { _id: 1 } }] };
  return { server: { flavour: 'mongodb', version: '7.0.12', label: 'MongoDB 7.0.12' }, collections, capabilities: [], migrations: ['20260210000001-first'] };
}

/** What FerretDB 1.24 looks like after migrations: no validators, no TTL indexes, both recorded. */
export function ferretLikeMongoShape(m: Manifest): MongoShape {
  const shape = cleanMongoShape(m);
  for (const c of Object.values(shape.collections)) {
    delete c.validator;
    delete c.validationLevel;
    delete c.validationAction;
    for (const i of c.indexes) delete i.expireAfterSeconds;
  }
  const server = 'FerretDB 1.24.2';
  const capabilities: Capability[] = [
    { store: 'mongo', feature: 'jsonSchemaValidator', supported: false, server, reason: 'validator is not enforced' },
    { store: 'mongo', feature: 'ttlIndex', supported: false, server, reason: 'expireAfterSeconds is not supported' },
  ];
  return { ...shape, server: { flavour: 'ferretdb', version: '1.24.2', label: server }, capabilities };
}

/** A config for S3 judgements without a server. */
export function s3Config(over: Partial<NonNullable<Config['s3']>> = {}, env: Config['env'] = 'test'): Config {
  return {
    env,
    timeoutMs: 1000,
    locks: { waitMs: 0, mongoLeaseMs: 1000 },
    s3: {
      endpoint: 'https://s3.example.test',
      region: 'us-east-1',
      bucket: 'recruit-assets-test',
      forcePathStyle: true,
      webOrigins: ['https://app.example.com'],
      webOriginsConfigured: true,
      ...over,
    },
  };
}

/** The live bucket exactly as the layout asks for it (what a clean bootstrap gives). */
export function cleanBucket(desired: DesiredBucket): BucketSettings {
  return {
    bucket: desired.bucket,
    exists: true,
    server: 'moto at https://s3.example.test',
    markers: [...desired.markers],
    versioning: 'Enabled',
    encryption: { ...desired.encryption },
    publicAccessBlock: { ...desired.publicAccessBlock },
    ownership: desired.ownership,
    policy: structuredClone(desired.policyStatements),
    lifecycleRules: structuredClone(desired.lifecycleRules),
    corsRules: desired.corsRule ? [structuredClone(desired.corsRule)] : [],
    tags: { ...desired.tags, team: 'platform' },
    capabilities: [],
  };
}

export function desiredFor(config: Config = s3Config()): DesiredBucket {
  return desiredBucket(config);
}
