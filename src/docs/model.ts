/**
 * What the documentation shows, as plain data: the stores' shapes (the same objects verify compares)
 * joined with the summary's groups and purposes and the S3 layout. Renderers read only this, so a
 * page can never show something the shapes do not say, and every renderer is testable on a small
 * hand-made model without a server.
 */

export type OnDeleteAction = 'CASCADE' | 'RESTRICT' | 'SET NULL' | 'SET DEFAULT' | 'NO ACTION';

export interface DocColumn {
  name: string;
  /** As PostgreSQL formats it, e.g. "timestamp with time zone", "numeric(12,2)", "user_status". */
  type: string;
  nullable: boolean;
  default?: string;
  /** "always" / "by default" for identity columns. */
  identity?: string;
  /** The expression of a generated (stored) column. */
  generated?: string;
  comment?: string;
  /** The enum type the column (or its array elements) takes, when it is one. */
  enum?: string;
}

export type ConstraintKind = 'primary key' | 'foreign key' | 'unique' | 'check' | 'exclusion' | 'not null' | 'other';

export interface DocConstraint {
  name: string;
  kind: ConstraintKind;
  /** The normalised definition, e.g. "CHECK (amount >= 0)". */
  definition: string;
}

export interface DocForeignKey {
  name: string;
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: OnDeleteAction;
  onUpdate?: OnDeleteAction;
  /** Every referencing column is nullable: a row may reference nothing. */
  optional: boolean;
  /** The referencing columns are unique: at most one row per referenced row (one-to-one). */
  unique: boolean;
}

export interface DocIndex {
  name: string;
  /** The index definition, e.g. "CREATE UNIQUE INDEX ... USING btree (lower(email))". */
  definition: string;
  unique: boolean;
  primary?: boolean;
  /** Index access method, e.g. btree, gist, hnsw. */
  method?: string;
  /** The constraint that owns the index (primary key, unique, exclusion), if any. */
  constraint?: string;
}

export interface DocTrigger {
  name: string;
  /** e.g. "BEFORE UPDATE FOR EACH ROW EXECUTE FUNCTION recruit_set_updated_at()". */
  definition: string;
  enabled: boolean;
}

export interface DocTable {
  name: string;
  /** The summary group, or "Not in summary". */
  group: string;
  /** The summary's one-line purpose, when it lists the table. */
  purpose?: string;
  comment?: string;
  /** Table-level options as the shape gives them, e.g. "PARTITION BY RANGE (created_at)". */
  options?: string;
  columns: DocColumn[];
  primaryKey: string[];
  constraints: DocConstraint[];
  foreignKeys: DocForeignKey[];
  /** Foreign keys of other tables that point here. */
  referencedBy: DocForeignKey[];
  indexes: DocIndex[];
  triggers: DocTrigger[];
}

export interface DocEnum {
  name: string;
  labels: string[];
  usedBy: Array<{ table: string; column: string }>;
}

/** A server-dependent choice the migrations make and record (pgvector or real[], btree_gist or a trigger). */
export interface CapabilityNote {
  store: 'postgres' | 'mongo' | 's3';
  feature: string;
  /** What a server with the feature gets. */
  withFeature: string;
  /** What a server without it gets instead. */
  without: string;
  /** Objects the choice touches, with the parts of each: student_embeddings (embedding, its index). */
  objects: Array<{ name: string; parts: string[] }>;
  /** What the shape these docs were generated from has. */
  inThisShape?: string;
}

export interface DocGroup {
  name: string;
  slug: string;
  tables: string[];
}

export interface PgDocs {
  /** Where the shape came from, e.g. "PostgreSQL 15.18". */
  server: string;
  groups: DocGroup[];
  /** Every table, in group order then name order for tables the summary does not list. */
  tables: DocTable[];
  enums: DocEnum[];
  extensions: Record<string, string>;
  /** Functions the migrations own, keyed `name(arguments)`, with their signature text. */
  functions: Array<{ name: string; definition?: string; comment?: string }>;
  views: Array<{ name: string; definition: string }>;
  domains: Array<{ name: string; definition: string; checks: string[] }>;
  sequences: Array<{ name: string; definition: string }>;
  capabilities: CapabilityNote[];
}

export interface MongoField {
  /** Dotted path; array items are "path[]", free keys of a map "path.*". */
  path: string;
  /** Declared bsonType(s), empty when the schema constrains the value only by enum or not at all. */
  types: string[];
  required: boolean;
  enum?: unknown[];
  pattern?: string;
  /** Other limits in words: "length 1..255", "0..100", "at most 500 items". */
  limits?: string;
  /** A table of PostgreSQL the field holds ids of. */
  references?: string;
  /** The same sub-document schema is listed at this other path (its fields are not repeated here). */
  sameAs?: string;
}

export interface DocMongoIndex {
  name: string;
  key: Record<string, unknown>;
  unique: boolean;
  expireAfterSeconds?: number;
  partialFilterExpression?: Record<string, unknown>;
  /** Any other option the shape lists (sparse, collation, ...), as given. */
  options: Record<string, unknown>;
}

export interface DocCollection {
  name: string;
  purpose?: string;
  validationLevel?: string;
  validationAction?: string;
  fields: MongoField[];
  /** Whether fields not listed are refused at the top level (additionalProperties: false). */
  closed: boolean;
  /** Alternatives the document must match (oneOf / anyOf), rendered in words. */
  alternatives: string[];
  indexes: DocMongoIndex[];
  ttl?: { index: string; field: string; seconds: number };
  /** The summary's stated TTL, in days. */
  summaryTtlDays?: number;
  references: Array<{ path: string; table: string }>;
}

export interface MongoDocs {
  server: string;
  collections: DocCollection[];
  capabilities: CapabilityNote[];
}

export interface DocAssetType {
  id: string;
  name: string;
  prefix: string;
  owner: string;
  /** Example key, from the layout's key scheme. */
  keyScheme: string;
  contentTypes: Array<{ contentType: string; extension: string }>;
  maxBytes: number;
  visibility: string;
  cacheControl: string;
  retention: string;
}

export interface S3Docs {
  server: string;
  assetTypes: DocAssetType[];
  prefixes: Array<{ prefix: string; assetTypes: string[] }>;
  /** Bucket-wide settings as rows: setting, value, on which targets (a variant), why. */
  settings: Array<{ setting: string; value: string; when?: string; note?: string }>;
  capabilities: CapabilityNote[];
}

export interface DocsModel {
  /** What the model was built from: "committed expected shape" or "live stores". */
  source: string;
  postgres?: PgDocs;
  mongo?: MongoDocs;
  s3?: S3Docs;
}

/** "Skills & Categories" -> "skills-categories": file names and HTML anchors. */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
