import type { Knex } from 'knex';
import { EMBEDDING_DIMENSIONS, createTable, dropTables, embeddingStorage } from '../src/stores/postgres/ddl';

/**
 * Vector search: one embedding per student and per job (384 dims, e.g. all-MiniLM-L6-v2) and the
 * admin-reviewed match recommendations. Embeddings are pgvector `vector(384)` with an HNSW cosine
 * index where pgvector exists, else `real[]` with a length CHECK; the column comment records which.
 */
const TABLES = ['student_embeddings', 'job_embeddings', 'admin_match_recommendations'] as const;

export async function up(knex: Knex): Promise<void> {
  const storage = await embeddingStorage(knex);

  await createTable(knex, 'student_embeddings', (k) => {
    k.fk('student_id', 'students', 'CASCADE').unique();
    k.embedding('embedding', storage, EMBEDDING_DIMENSIONS);
    k.name('model');
    k.text('source_hash', { nullable: true });
    k.ts('embedded_at', { defaultNow: true });
  });

  await createTable(knex, 'job_embeddings', (k) => {
    k.fk('job_id', 'jobs', 'CASCADE').unique();
    k.embedding('embedding', storage, EMBEDDING_DIMENSIONS);
    k.name('model');
    k.text('source_hash', { nullable: true });
    k.ts('embedded_at', { defaultNow: true });
  });

  await createTable(knex, 'admin_match_recommendations', (k, t) => {
    k.fk('student_id', 'students', 'CASCADE');
    k.fk('job_id', 'jobs', 'CASCADE');
    t.decimal('score', 5, 4).notNullable();
    k.check('score_range', 'score BETWEEN 0 AND 1');
    k.text('model', { nullable: true });
    k.text('reason', { nullable: true });
    k.fk('admin_id', 'admins', 'SET NULL');
    k.ts('reviewed_at');
    t.boolean('is_approved');
    k.check('reviewed_when_decided', 'is_approved IS NULL OR reviewed_at IS NOT NULL');
    t.unique(['student_id', 'job_id']);
    t.index(['job_id', 'score']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropTables(knex, [...TABLES].reverse());
}
