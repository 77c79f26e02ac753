/**
 * The same migrations on PGlite (PostgreSQL in WASM) with pgvector loaded and WITHOUT btree_gist:
 * embeddings become vector(384) with an HNSW cosine index, the mentor no-overlap guard falls back
 * to the trigger, and both choices are recorded in comments. Knex talks to PGlite with the ordinary
 * pg client through @electric-sql/pglite-socket on a loopback port (one connection: PGlite has a
 * single session).
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationSource, q, sqlState } from '../helpers/pg';

const vec = (seed: number) => `[${Array.from({ length: 384 }, (_, i) => Math.sin(seed * 7 + i)).join(',')}]`;

describe('PostgreSQL schema migrations (PGlite + pgvector, no btree_gist)', () => {
  let db: PGlite;
  let server: PGLiteSocketServer;
  let knex: Knex;

  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    knex = knexFactory({
      client: 'pg',
      connection: `postgres://postgres:postgres@${server.getServerConn()}/postgres`,
      pool: { min: 0, max: 1 },
      migrations: { migrationSource },
    });
    await knex.migrate.latest();
  });

  afterAll(async () => {
    await knex?.destroy();
    await server?.stop();
    await db?.close();
  });

  it('creates the 50 tables and 21 enums here too', async () => {
    const [t] = await q<{ n: number }>(
      knex,
      `SELECT count(*)::int AS n FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'knex%' AND table_name NOT LIKE 'recruit_db%'
          AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = (quote_ident(table_name))::regclass)`,
    );
    expect(t.n).toBe(50);
    const [e] = await q<{ n: number }>(
      knex,
      `SELECT count(*)::int AS n FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' AND t.typtype = 'e'`,
    );
    expect(e.n).toBe(21);
  });

  it('stores embeddings as vector(384) with an HNSW cosine index, and records it', async () => {
    const cols = await q<{ table: string; type: string; comment: string }>(
      knex,
      `SELECT c.relname AS table, format_type(a.atttypid, a.atttypmod) AS type, col_description(c.oid, a.attnum) AS comment
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relname IN ('student_embeddings', 'job_embeddings') AND a.attname = 'embedding' ORDER BY 1`,
    );
    expect(cols).toEqual([
      { table: 'job_embeddings', type: 'vector(384)', comment: 'recruit-db:embedding storage=pgvector dims=384' },
      { table: 'student_embeddings', type: 'vector(384)', comment: 'recruit-db:embedding storage=pgvector dims=384' },
    ]);
    const idx = await q<{ tablename: string; indexdef: string }>(
      knex,
      `SELECT tablename, indexdef FROM pg_indexes WHERE tablename IN ('student_embeddings', 'job_embeddings')
          AND indexdef LIKE '%USING hnsw%' ORDER BY 1`,
    );
    expect(idx).toHaveLength(2);
    for (const i of idx) expect(i.indexdef).toContain('USING hnsw (embedding vector_cosine_ops)');
    const [ext] = await q<{ d: string }>(knex, `SELECT obj_description(oid, 'pg_extension') AS d FROM pg_extension WHERE extname = 'vector'`);
    expect(ext.d).toBe('recruit-db:installed-by-migration');
  });

  it('searches by cosine distance and rejects wrong dimensions', async () => {
    await knex.transaction(async (trx) => {
      const [company] = await trx('users')
        .insert({ email: 'c@example.com', password_hash: 'x', user_type: 'company', first_name: 'C', last_name: 'O' })
        .returning('id');
      const [co] = await trx('companies').insert({ user_id: company.id, name: 'Acme' }).returning('id');
      const jobs = await trx('jobs')
        .insert([1, 2, 3].map((n) => ({ company_id: co.id, title: `Job ${n}`, description: 'd', employment_type: 'full_time', remote_type: 'remote' })))
        .returning('id');
      await trx('job_embeddings').insert(jobs.map((j: { id: string }, n: number) => ({ job_id: j.id, embedding: vec(n + 1), model: 'all-MiniLM-L6-v2' })));
      const nearest = await trx.raw(`SELECT job_id FROM job_embeddings ORDER BY embedding <=> ?::vector LIMIT 1`, [vec(2)]);
      expect(nearest.rows[0].job_id).toBe(jobs[1].id);
      expect(await sqlState(trx.transaction((sp) => sp('job_embeddings').insert({ job_id: jobs[0].id, embedding: '[1,2,3]', model: 'm' })))).toBe('22000');
      throw new Error('rollback');
    }).catch((err: Error) => {
      if (err.message !== 'rollback') throw err;
    });
  });

  it('guards mentor double-booking with the trigger fallback (no btree_gist) and records it', async () => {
    const [row] = await q<{ comment: string }>(knex, `SELECT obj_description('mentor_sessions'::regclass, 'pg_class') AS comment`);
    expect(row.comment).toBe(
      'recruit-db:no-overlap guard=trigger function=mentor_sessions_no_overlap key=mentor_id reason=btree_gist unavailable',
    );
    expect(await q(knex, `SELECT 1 FROM pg_constraint WHERE contype = 'x'`)).toEqual([]);

    await knex.transaction(async (trx) => {
      const [su] = await trx('users')
        .insert({ email: 's@example.com', password_hash: 'x', user_type: 'student', first_name: 'S', last_name: 'T' })
        .returning('id');
      const [student] = await trx('students').insert({ user_id: su.id }).returning('id');
      const [mu] = await trx('users')
        .insert({ email: 'm@example.com', password_hash: 'x', user_type: 'mentor', first_name: 'M', last_name: 'N' })
        .returning('id');
      const [mentor] = await trx('mentors').insert({ user_id: mu.id }).returning('id');
      const base = { mentor_id: mentor.id, student_id: student.id };
      const attempt = (fn: (sp: Knex.Transaction) => Promise<unknown>) => sqlState(trx.transaction(fn));

      const [first] = await trx('mentor_sessions')
        .insert({ ...base, starts_at: '2030-01-01T10:00:00Z', ends_at: '2030-01-01T11:00:00Z' })
        .returning('id');
      expect(await attempt((sp) => sp('mentor_sessions').insert({ ...base, starts_at: '2030-01-01T10:30:00Z', ends_at: '2030-01-01T11:30:00Z' }))).toBe('23P01');
      expect(await attempt((sp) => sp('mentor_sessions').insert({ ...base, starts_at: '2030-01-01T12:00:00Z', ends_at: '2030-01-01T11:00:00Z' }))).toBe('23514');
      await trx('mentor_sessions').insert({ ...base, starts_at: '2030-01-01T11:00:00Z', ends_at: '2030-01-01T12:00:00Z' });
      await trx('mentor_sessions').insert({
        ...base, starts_at: '2030-01-01T10:15:00Z', ends_at: '2030-01-01T10:45:00Z', status: 'cancelled', cancelled_at: new Date(),
      });
      // Moving a session onto another one is caught on UPDATE too; updating itself is fine.
      expect(await attempt((sp) => sp('mentor_sessions').where({ id: first.id }).update({ ends_at: '2030-01-01T11:30:00Z' }))).toBe('23P01');
      await trx('mentor_sessions').where({ id: first.id }).update({ topic: 'SQL' });
      throw new Error('rollback');
    }).catch((err: Error) => {
      if (err.message !== 'rollback') throw err;
    });
  });

  it('the second release here too: every constraint validated, the student guard a trigger (no btree_gist)', async () => {
    expect(await q(knex, `SELECT conrelid::regclass::text AS t, conname FROM pg_constraint WHERE NOT convalidated`)).toEqual([]);
    const [t] = await q<{ d: string }>(knex, `SELECT obj_description(oid, 'pg_trigger') AS d FROM pg_trigger WHERE tgname = 'mentor_sessions_student_no_overlap'`);
    expect(t.d).toBe('recruit-db:no-overlap guard=trigger function=mentor_sessions_student_no_overlap key=student_id reason=btree_gist unavailable');
    const idx = await q<{ indexname: string }>(knex, `SELECT indexname FROM pg_indexes WHERE indexname IN ('jobs_search_gin', 'notifications_unread_index', 'users_email_unique', 'audit_logs_created_at_brin') ORDER BY 1`);
    expect(idx.map((i) => i.indexname)).toEqual(['audit_logs_created_at_brin', 'jobs_search_gin', 'notifications_unread_index', 'users_email_unique']);
  });

  it('rolls back everything, including the vector extension it installed', async () => {
    await knex.migrate.rollback(undefined, true);
    const tables = await q<{ t: string }>(
      knex,
      `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    expect(tables.map((t) => t.t)).toEqual(['knex_migrations', 'knex_migrations_lock']);
    expect(await q(knex, `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'`)).toEqual([]);
    expect(await q(knex, `SELECT 1 FROM pg_extension WHERE extname = 'vector'`)).toEqual([]);
  });
});
