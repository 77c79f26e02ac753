/**
 * The shape of each store as plain data, in two forms, with no judgement in either (a field says
 * what is, never whether it is right):
 *
 * - the deep shape (PgShape, MongoShape, S3Shape): what `introspect` reads from a live store, with
 *   the catalog's structure (a table's columns, constraints, indexes, triggers...);
 * - the canonical shape (ShapeEntry[]): the same facts flattened to one normalised entry per object
 *   or part of an object, which is what the committed expected shapes hold (see shape-file.ts), what
 *   verify compares and what docs render. Each store's introspect.ts turns its deep shape into
 *   entries, so what servers print differently is normalised in one place per store.
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

// ------------------------------------------------------------------------------------- canonical

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * One normalised fact: an object (`table jobs`, `collection event_log`, `bucket settings`) or a part
 * of one (`column title`, `index eventId_1`, `cors recruit-db-browser-uploads`) with its definition.
 */
export interface ShapeEntry {
  /** The object's kind: table, view, enum, domain, function, sequence, extension, collection, bucket, marker. */
  kind: string;
  name: string;
  /** Set when the entry describes a part of the object: column, constraint, index, trigger, comment, validator... */
  part?: { kind: string; name: string };
  /**
   * The normalised definition: text (a column's `text NOT NULL DEFAULT ...`), JSON for nested settings
   * (validators, index options, bucket rules), '' for bare presence, null for "explicitly absent"
   * (a variant saying what a server without a capability does not get).
   */
  value: JsonValue;
  /** Only on a target with (present: true) or without (present: false) this capability or setting. */
  when?: ShapeCondition;
}

export interface ShapeCondition {
  /** e.g. "pgvector", "btree_gist", "jsonSchemaValidator", "ttlIndex", "https", "kms_key". */
  capability: string;
  present: boolean;
}

/** Which capabilities a target has, to pick the entries of its variant. */
export type ShapeConditions = Record<string, boolean>;

// ------------------------------------------------------------------------------------- postgres

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

export interface PgColumn {
  name: string;
  /** format_type(): `text`, `character varying(10)`, `vector(384)`, `real[]`, `session_status`. */
  type: string;
  nullable: boolean;
  /** The default expression as the server prints it (pg_get_expr), without generated/identity. */
  default?: string;
  identity?: 'always' | 'by default';
  /** The generation expression of a generated column, and whether it is stored or virtual. */
  generated?: { expression: string; kind: 'stored' | 'virtual' };
  /** Only when it differs from the type's default collation. */
  collation?: string;
  comment?: string;
}

export type PgConstraintType = 'primary key' | 'unique' | 'foreign key' | 'check' | 'exclusion';
export type PgFkAction = 'NO ACTION' | 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'SET DEFAULT';

export interface PgConstraint {
  name: string;
  type: PgConstraintType;
  /** pg_get_constraintdef(), e.g. `FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE`. */
  definition: string;
  columns: string[];
  foreignKey?: { table: string; columns: string[]; onDelete: PgFkAction; onUpdate: PgFkAction; match: 'simple' | 'full' | 'partial' };
  deferrable: boolean;
  initiallyDeferred: boolean;
  /** false for a NOT VALID constraint not yet validated. */
  validated: boolean;
  comment?: string;
}

export interface PgIndex {
  name: string;
  /** btree, gin, gist, brin, hash, hnsw, ivfflat... */
  method: string;
  unique: boolean;
  /** Key columns or expressions as printed, with non-default opclass, order and collation. */
  keys: string[];
  /** INCLUDE columns. */
  include: string[];
  predicate?: string;
  /** The constraint (primary key, unique, exclusion) the index implements, if any. */
  constraint?: string;
  /** false for an index left invalid (a failed CREATE INDEX CONCURRENTLY). */
  valid: boolean;
  /** pg_get_indexdef() from `USING` on: `USING btree (lower(email)) WHERE (deleted_at IS NULL)`. */
  definition: string;
  comment?: string;
}

export interface PgTrigger {
  name: string;
  /** pg_get_triggerdef() without `CREATE TRIGGER name`: `BEFORE UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION f()`. */
  definition: string;
  /** A CONSTRAINT TRIGGER (deferrable, fires at commit when deferred). */
  constraint: boolean;
  /** pg_trigger.tgenabled: origin (the normal "enabled"), disabled, replica, always. */
  enabled: 'origin' | 'disabled' | 'replica' | 'always';
  function: string;
}

export interface PgPartitioning {
  /** pg_get_partkeydef(): `RANGE (created_at)`. */
  key: string;
  /** The partitions, name -> bound (`FOR VALUES FROM (...) TO (...)`, `DEFAULT`). */
  partitions: Record<string, string>;
}

export interface PgTable {
  name: string;
  /** 'partitioned' for a partitioned parent; partitions are listed under their parent, not here. */
  kind: 'table' | 'partitioned';
  unlogged: boolean;
  rowSecurity: boolean;
  columns: PgColumn[];
  constraints: Record<string, PgConstraint>;
  indexes: Record<string, PgIndex>;
  triggers: Record<string, PgTrigger>;
  partitioning?: PgPartitioning;
  comment?: string;
}

export interface PgView {
  name: string;
  materialized: boolean;
  /** pg_get_viewdef(), whitespace collapsed: as this server prints it (versions differ). */
  definition: string;
  /** `name type` per column, in order. */
  columns: string[];
  comment?: string;
}

export interface PgFunction {
  name: string;
  /** pg_get_function_identity_arguments(). */
  arguments: string;
  /** pg_get_function_result(). */
  returns: string;
  kind: 'function' | 'procedure' | 'aggregate' | 'window';
  language: string;
  volatility: 'immutable' | 'stable' | 'volatile';
  securityDefiner: boolean;
  strict: boolean;
  /** md5 of the body as stored (prosrc, or the whole definition for SQL-standard bodies). */
  bodyMd5: string;
  /** SET clauses (proconfig), e.g. `search_path=public`. */
  config: string[];
  comment?: string;
}

export interface PgDomain {
  name: string;
  type: string;
  nullable: boolean;
  default?: string;
  /** Constraint name -> definition. */
  checks: Record<string, string>;
}

export interface PgSequence {
  name: string;
  /** `bigint START 1 INCREMENT 1 MINVALUE 1 MAXVALUE ... CACHE 1 [CYCLE]`. */
  definition: string;
}

/** What the migrations own in the public schema, read in a few set-based catalog queries. */
export interface PgSchema {
  /** Base and partitioned tables (partitions are under their parent's `partitioning`). */
  tables: Record<string, PgTable>;
  views: Record<string, PgView>;
  /** Functions not owned by an extension, keyed `name(identity arguments)`. */
  functions: Record<string, PgFunction>;
  domains: Record<string, PgDomain>;
  /** Sequences no column owns (identity and serial sequences belong to their column). */
  sequences: Record<string, PgSequence>;
}

export interface PgShape {
  server: { version: string; versionNum: number };
  /** Base and partitioned tables in the public schema, sorted (partitions excluded: they belong to their parent). */
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
  /** Everything else at full depth. */
  schema: PgSchema;
  /** Migrations recorded as applied (knex_migrations), names without extension, in the order applied. */
  migrations: string[];
}

// ------------------------------------------------------------------------------------- mongo

/** An index as listIndexes reports it; `options` holds every option but name, key and the version. */
export interface MongoIndex {
  name: string;
  key: Record<string, unknown>;
  unique?: boolean;
  expireAfterSeconds?: number;
  partialFilterExpression?: Record<string, unknown>;
  /** All other options as the server lists them (sparse, collation, hidden, weights, ...). */
  options?: Record<string, unknown>;
}

export interface MongoCollectionShape {
  /** The validator the server reports for the collection, if any. */
  validator?: Record<string, unknown>;
  validationLevel?: string;
  validationAction?: string;
  /** Every other collection option the server lists (capped, collation, clusteredIndex, timeseries...). */
  options?: Record<string, unknown>;
  indexes: MongoIndex[];
}

export interface MongoShape {
  server: { flavour: 'mongodb' | 'ferretdb' | 'documentdb' | 'cosmosdb' | 'unknown'; version: string; label: string };
  collections: Record<string, MongoCollectionShape>;
  /** What the migrations could not apply on this server and why (the capability record). */
  capabilities: Capability[];
  /** Migrations recorded as applied (the changelog), names without extension, sorted. */
  migrations: string[];
}

// ------------------------------------------------------------------------------------- s3

/** One statement of a bucket policy, as stored (Principal, Action, Resource may be a string or a list). */
export interface S3PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface S3Encryption {
  /** AES256, aws:kms, aws:kms:dsse. */
  algorithm: string;
  kmsKeyId?: string;
  bucketKeyEnabled: boolean;
}

/** The bucket owner's AWS account, when it can be learned; `how` says how, or why not. */
export interface BucketOwner {
  account?: string;
  how: string;
}

export interface S3Shape {
  bucket: string;
  exists: boolean;
  /** Keys of the prefix markers present, e.g. "users/profiles/". */
  markers: string[];
  /** Undefined when the server does not support reading it (see capabilities). */
  versioning?: 'Enabled' | 'Suspended' | 'Disabled';
  /** The default encryption algorithm, null when none is set. */
  encryption?: string | null;
  /** The whole default-encryption rule (algorithm, KMS key, bucket key), null when none is set. */
  encryptionRule?: S3Encryption | null;
  publicAccessBlock?: { blockPublicAcls: boolean; ignorePublicAcls: boolean; blockPublicPolicy: boolean; restrictPublicBuckets: boolean } | null;
  /** ObjectOwnership: BucketOwnerEnforced (ACLs off), BucketOwnerPreferred, ObjectWriter; null when unset. */
  ownership?: string | null;
  /** The bucket policy's statements; an empty list when the bucket has no policy. */
  policy?: S3PolicyStatement[];
  lifecycleRuleIds?: string[];
  corsOrigins?: string[];
  tags?: Record<string, string>;
  capabilities: Capability[];
}
