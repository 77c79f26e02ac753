/**
 * The live shape of each store as plain data: what `introspect` returns and what `verify` judges.
 * No judgement lives here; a field says what is, never whether it is right.
 */

/** A feature a server may lack (FerretDB: validators, TTL indexes; s3rver: versioning...). */
export interface Capability {
  store: 'postgres' | 'mongo' | 's3';
  /** e.g. "pgvector", "btree_gist", "jsonSchemaValidator", "ttlIndex", "bucketVersioning". */
  feature: string;
  supported: boolean;
  /** Who answered, e.g. "FerretDB 1.24.2" or "moto". */
  server: string;
  /** The server's own words when it refused, or how the probe decided. */
  reason?: string;
}

export interface PgColumnRef {
  table: string;
  column: string;
}

export interface PgForeignKey {
  table: string;
  constraint: string;
  columns: string[];
  referencedTable: string;
  /** true when some index on `table` starts with exactly these columns. */
  indexed: boolean;
}

export interface PgEmbedding {
  table: string;
  column: string;
  storage: 'pgvector' | 'array';
  dimensions?: number;
  /** e.g. "hnsw vector_cosine_ops", or undefined when the column has no index. */
  index?: string;
}

export interface PgShape {
  server: { version: string; versionNum: number };
  /** Base tables in the public schema, sorted. */
  tables: string[];
  /** Enum types in the public schema: labels in their sort order. */
  enums: Record<string, string[]>;
  /** Primary-key columns per table; a table without a PK is absent. */
  primaryKeys: Record<string, string[]>;
  foreignKeys: PgForeignKey[];
  /** Columns typed with each enum (arrays of the enum count too). */
  enumUsage: Record<string, PgColumnRef[]>;
  embeddings: PgEmbedding[];
  /** Extensions installed in the database, name -> version. */
  extensions: Record<string, string>;
}

export interface MongoIndex {
  name: string;
  key: Record<string, unknown>;
  unique?: boolean;
  expireAfterSeconds?: number;
  partialFilterExpression?: Record<string, unknown>;
}

export interface MongoCollectionShape {
  /** The $jsonSchema the server reports for the collection, if any. */
  validator?: Record<string, unknown>;
  validationLevel?: string;
  validationAction?: string;
  indexes: MongoIndex[];
}

export interface MongoShape {
  server: { flavour: 'mongodb' | 'ferretdb' | 'documentdb' | 'cosmosdb' | 'unknown'; version: string; label: string };
  collections: Record<string, MongoCollectionShape>;
  /** What the migrations could not apply on this server and why (the capability record). */
  capabilities: Capability[];
}

export interface S3Shape {
  bucket: string;
  exists: boolean;
  /** Keys of the prefix markers present, e.g. "users/profiles/". */
  markers: string[];
  /** Undefined when the server does not support reading it (see capabilities). */
  versioning?: 'Enabled' | 'Suspended' | 'Disabled';
  encryption?: string | null;
  publicAccessBlock?: { blockPublicAcls: boolean; ignorePublicAcls: boolean; blockPublicPolicy: boolean; restrictPublicBuckets: boolean } | null;
  lifecycleRuleIds?: string[];
  corsOrigins?: string[];
  tags?: Record<string, string>;
  capabilities: Capability[];
}
