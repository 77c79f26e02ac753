import type { DocForeignKey, DocTable, DocsModel } from '../../src/docs/model';

/**
 * A small documentation model made by hand: three tables in two groups (one optional key, one
 * one-to-one key, one self reference), an enum, a collection with a TTL and references, a bucket.
 */
export function smallModel(): DocsModel {
  const fk = (table: string, name: string, columns: string[], refTable: string, onDelete: DocForeignKey['onDelete'], optional: boolean, unique = false): DocForeignKey => ({
    name,
    table,
    columns,
    refTable,
    refColumns: ['id'],
    onDelete,
    optional,
    unique,
  });
  const studentsUser = fk('students', 'students_user_id_foreign', ['user_id'], 'users', 'CASCADE', false, true);
  const notesStudent = fk('notes', 'notes_student_id_foreign', ['student_id'], 'students', 'SET NULL', true);
  const notesParent = fk('notes', 'notes_parent_id_foreign', ['parent_id'], 'notes', 'RESTRICT', true);
  const table = (t: Partial<DocTable> & Pick<DocTable, 'name' | 'group'>): DocTable => ({
    columns: [],
    primaryKey: ['id'],
    constraints: [{ name: `${t.name}_pkey`, kind: 'primary key', definition: 'PRIMARY KEY (id)' }],
    foreignKeys: [],
    referencedBy: [],
    indexes: [],
    triggers: [],
    ...t,
  });
  const id = { name: 'id', type: 'uuid', nullable: false, default: 'gen_random_uuid()' };
  return {
    source: 'hand-made test model',
    postgres: {
      server: 'PostgreSQL 15',
      groups: [
        { name: 'People', slug: 'people', tables: ['users', 'students'] },
        { name: 'Notes & Things', slug: 'notes-things', tables: ['notes'] },
      ],
      tables: [
        table({
          name: 'users',
          group: 'People',
          purpose: 'Master authentication',
          columns: [id, { name: 'email', type: 'text', nullable: false }, { name: 'status', type: 'user_status', nullable: false, default: "'active'::user_status", enum: 'user_status' }],
          constraints: [
            { name: 'users_pkey', kind: 'primary key', definition: 'PRIMARY KEY (id)' },
            { name: 'users_email_format_check', kind: 'check', definition: "CHECK (email ~ '^[^@]+@[^@]+$'::text)" },
          ],
          referencedBy: [studentsUser],
          indexes: [{ name: 'users_email_lower_unique', definition: 'CREATE UNIQUE INDEX users_email_lower_unique ON users USING btree (lower(email))', unique: true, method: 'btree' }],
          triggers: [{ name: 'users_set_updated_at', definition: 'BEFORE UPDATE FOR EACH ROW EXECUTE FUNCTION recruit_set_updated_at()', enabled: true }],
        }),
        table({
          name: 'students',
          group: 'People',
          purpose: 'Student profiles',
          columns: [id, { name: 'user_id', type: 'uuid', nullable: false }, { name: 'bio', type: 'text', nullable: true, comment: 'shown on the profile | public' }],
          foreignKeys: [studentsUser],
          referencedBy: [notesStudent],
        }),
        table({
          name: 'notes',
          group: 'Notes & Things',
          purpose: 'Free notes',
          columns: [id, { name: 'student_id', type: 'uuid', nullable: true }, { name: 'parent_id', type: 'uuid', nullable: true }, { name: 'body', type: 'timestamp with time zone', nullable: false }],
          foreignKeys: [notesParent, notesStudent],
          referencedBy: [notesParent],
        }),
      ],
      enums: [{ name: 'user_status', labels: ['active', 'inactive'], usedBy: [{ table: 'users', column: 'status' }] }],
      extensions: { plpgsql: '' },
      functions: [{ name: 'recruit_set_updated_at()', comment: 'keeps updated_at current' }],
      views: [],
      domains: [],
      sequences: [],
      capabilities: [{ store: 'postgres', feature: 'pgvector', withFeature: 'vector(384)', without: 'real[]', objects: [{ name: 'students', parts: ['bio'] }] }],
    },
    mongo: {
      server: 'MongoDB',
      collections: [
        {
          name: 'sessions',
          purpose: 'Session tracking',
          validationLevel: 'strict',
          validationAction: 'error',
          fields: [
            { path: '_id', types: ['objectId'], required: true },
            { path: 'userId', types: ['string'], required: true, pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', references: 'users' },
            { path: 'kind', types: [], required: false, enum: ['a', 'b|c'] },
          ],
          closed: true,
          alternatives: [],
          indexes: [
            { name: '_id_', key: { _id: 1 }, unique: false, options: {} },
            { name: 'ttl_seen', key: { seenAt: 1 }, unique: false, expireAfterSeconds: 7 * 86400, options: {} },
          ],
          ttl: { index: 'ttl_seen', field: 'seenAt', seconds: 7 * 86400 },
          summaryTtlDays: 7,
          references: [{ path: 'userId', table: 'users' }],
        },
      ],
      capabilities: [],
    },
    s3: {
      server: 'layout',
      assetTypes: [
        {
          id: 'resume',
          name: 'Student Resumes',
          prefix: 'users/resumes/',
          owner: 'student',
          keyScheme: 'users/resumes/{studentId}/{uuid}.{ext}',
          contentTypes: [{ contentType: 'application/pdf', extension: 'pdf' }],
          maxBytes: 10 * 1024 * 1024,
          visibility: 'private',
          cacheControl: 'private, no-store',
          retention: 'owner-lifetime',
        },
      ],
      prefixes: [{ prefix: 'users/resumes/', assetTypes: ['Student Resumes'] }],
      settings: [{ setting: 'versioning', value: 'Enabled' }],
      capabilities: [],
    },
  };
}
