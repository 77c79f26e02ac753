import type { Capability, MongoShape, PgShape, S3Shape } from '../../src/stores/shapes';
import { allTables, ttlSeconds, uniquePrefixes, type Manifest } from '../../src/summary/manifest';
import type { S3Expectation } from '../../src/verify/compare';

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
  };
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
  return { server: { flavour: 'mongodb', version: '7.0.12', label: 'MongoDB 7.0.12' }, collections, capabilities: [] };
}

/** What FerretDB 1.24 looks like after migrations: no validators, no TTL indexes, both recorded. */
export function ferretLikeMongoShape(m: Manifest): MongoShape {
  const shape = cleanMongoShape(m);
  for (const c of Object.values(shape.collections)) {
    delete c.validator;
    delete c.validationLevel;
    delete c.validationAction;
    c.indexes = c.indexes.filter((i) => i.expireAfterSeconds === undefined);
  }
  const server = 'FerretDB 1.24.2';
  const capabilities: Capability[] = [
    { store: 'mongo', feature: 'jsonSchemaValidator', supported: false, server, reason: 'validator is not enforced' },
    { store: 'mongo', feature: 'ttlIndex', supported: false, server, reason: 'expireAfterSeconds is not supported' },
  ];
  return { server: { flavour: 'ferretdb', version: '1.24.2', label: server }, collections: shape.collections, capabilities };
}

export const EXPECTATION: S3Expectation = {
  versioning: true,
  encryption: 'AES256',
  blockPublicAccess: true,
  lifecycleRuleIds: ['expire-noncurrent-versions', 'abort-incomplete-uploads'],
  corsOrigins: ['https://app.example.com'],
};

export function cleanS3Shape(m: Manifest, e: S3Expectation = EXPECTATION): S3Shape {
  return {
    bucket: 'recruit-assets-test',
    exists: true,
    markers: uniquePrefixes(m).map((p) => p.prefix),
    versioning: 'Enabled',
    encryption: e.encryption,
    publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
    lifecycleRuleIds: [...e.lifecycleRuleIds],
    corsOrigins: [...e.corsOrigins],
    tags: { app: 'recruit' },
    capabilities: [],
  };
}
