/**
 * The PostgreSQL migrations against the real PostgreSQL 15 server (no pgvector there, btree_gist
 * available): the catalog must match the contract in SCHEMA_SUMMARY.md, the constraints must
 * bite, and rollback + re-migrate must reproduce the exact same catalog.
 */
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationSource, q, sqlState } from '../helpers/pg';
import { freshPgDatabase } from '../helpers/stores';

// ---- the contract (SCHEMA_SUMMARY.md: its lists, not its header counts) ----------------------

const EXPECTED_TABLES = [
  // User Management
  'users', 'students', 'companies', 'admins', 'instructors', 'mentors', 'notifications', 'notification_preferences',
  // Skills & Categories
  'skills', 'skill_synonyms', 'student_skills', 'categories',
  // Course Management
  'courses', 'course_skills', 'course_prerequisites', 'modules', 'lessons', 'quizzes', 'quiz_questions',
  'flashcard_decks', 'flashcards', 'course_reviews', 'enrollments', 'lesson_progress',
  // Assessments
  'quiz_attempts',
  // Materials
  'materials', 'material_downloads',
  // Webinars
  'webinars', 'webinar_registrations',
  // Mentorship
  'mentor_sessions', 'mentor_reviews',
  // Jobs & Applications
  'jobs', 'job_skills', 'applications', 'application_status_history', 'interview_slots',
  // Referrals & Placements
  'referral_contacts', 'placement_packages', 'student_placements',
  // Badges & Portfolios
  'badges', 'student_badges', 'student_portfolios', 'portfolio_skills',
  // Payments
  'payments', 'company_candidate_billing',
  // Vector Search
  'student_embeddings', 'job_embeddings', 'admin_match_recommendations',
  // System
  'system_settings', 'audit_logs',
];

const EXPECTED_ENUMS: Record<string, string[]> = {
  user_type: ['student', 'company', 'admin', 'instructor', 'mentor'],
  user_status: ['active', 'inactive', 'suspended', 'pending_verification'],
  difficulty_level: ['beginner', 'intermediate', 'advanced'],
  content_type: ['video', 'text', 'pdf', 'audio', 'image', 'quiz', 'flashcard', 'scorm_package', 'external_link'],
  question_type: ['multiple_choice', 'true_false', 'short_answer', 'multiple_select'],
  enrollment_status: ['in_progress', 'completed', 'dropped', 'expired'],
  payment_status: ['pending', 'completed', 'failed', 'refunded', 'cancelled'],
  payment_type: [
    'course_purchase', 'webinar_purchase', 'material_purchase', 'mentor_session', 'referral_package',
    'placement_package', 'subscription', 'company_candidate_fee',
  ],
  pricing_model: ['free', 'one_time', 'subscription'],
  employment_type: ['full_time', 'part_time', 'contract', 'internship', 'freelance'],
  remote_type: ['remote', 'on_site', 'hybrid'],
  application_status: [
    'pending_admin_review', 'admin_shortlisted', 'rejected_by_admin', 'forwarded_to_company', 'under_company_review',
    'interview_scheduled', 'interview_completed', 'offer_extended', 'offer_accepted', 'offer_rejected', 'hired',
    'rejected_by_company', 'withdrawn',
  ],
  candidate_stage: ['new_candidates', 'under_review', 'interviewing', 'offer_extended', 'hired', 'rejected'],
  job_status: ['draft', 'active', 'paused', 'closed', 'filled'],
  webinar_status: ['scheduled', 'live', 'completed', 'cancelled'],
  registration_status: ['registered', 'attended', 'cancelled', 'no_show'],
  session_status: ['scheduled', 'completed', 'cancelled', 'no_show', 'rescheduled'],
  referral_status: ['pending', 'contacted', 'interested', 'not_interested', 'converted'],
  placement_status: ['active', 'completed', 'expired', 'cancelled'],
  notification_type: [
    'course_update', 'job_match', 'application_update', 'webinar_reminder', 'payment_confirmation', 'mentor_session',
    'referral_update', 'system_announcement',
  ],
  admin_role: ['super_admin', 'content_manager', 'recruitment_manager', 'finance_manager', 'support_admin'],
};

/** Columns the issue names explicitly: table.column -> enum type. */
const EXPECTED_ENUM_COLUMNS: Array<[string, string, string]> = [
  ['users', 'user_type', 'user_type'],
  ['users', 'status', 'user_status'],
  ['admins', 'role', 'admin_role'],
  ['applications', 'status', 'application_status'],
  ['applications', 'stage', 'candidate_stage'],
  ['courses', 'difficulty_level', 'difficulty_level'],
  ['courses', 'pricing_model', 'pricing_model'],
  ['lessons', 'content_type', 'content_type'],
  ['quiz_questions', 'question_type', 'question_type'],
  ['enrollments', 'status', 'enrollment_status'],
  ['payments', 'status', 'payment_status'],
  ['payments', 'payment_type', 'payment_type'],
  ['jobs', 'employment_type', 'employment_type'],
  ['jobs', 'remote_type', 'remote_type'],
  ['jobs', 'status', 'job_status'],
  ['webinars', 'status', 'webinar_status'],
  ['webinar_registrations', 'status', 'registration_status'],
  ['mentor_sessions', 'status', 'session_status'],
  ['referral_contacts', 'status', 'referral_status'],
  ['student_placements', 'status', 'placement_status'],
  ['notifications', 'notification_type', 'notification_type'],
  ['notification_preferences', 'notification_type', 'notification_type'],
];

const PAYMENT_LINKS = [
  'enrollments', 'webinar_registrations', 'material_downloads', 'mentor_sessions', 'student_placements',
  'company_candidate_billing',
];

// ---- catalog helpers ---------------------------------------------------------------------------

/** Tables of the schema: a partition (audit_logs' months) is part of its parent. */
async function publicTables(k: Knex): Promise<string[]> {
  const r = await q<{ t: string }>(
    k,
    `SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
  );
  return r.map((x) => x.t).sort();
}

/** Tables the tool keeps for itself (bookkeeping, the state machine's graph and its COMMIT queue). */
const TOOL_TABLES = ['knex_migrations', 'knex_migrations_lock', 'recruit_db_application_checks', 'recruit_db_application_transitions'];

async function publicEnums(k: Knex): Promise<Record<string, string[]>> {
  const r = await q<{ name: string; labels: string[] }>(
    k,
    `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`,
  );
  return Object.fromEntries(r.map((x) => [x.name, x.labels]));
}

interface Fk {
  table: string;
  conname: string;
  cols: string[];
  ref: string;
  deltype: string;
}

async function foreignKeys(k: Knex): Promise<Fk[]> {
  return q<Fk>(
    k,
    `SELECT c.conrelid::regclass::text AS table, c.conname, c.confrelid::regclass::text AS ref,
            c.confdeltype::text AS deltype,
            array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY u(n, o)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = u.n ORDER BY u.o) AS cols
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = 'public'`,
  );
}

/** Indexes as (table, leading key columns) — only plain, non-partial column keys. */
async function indexLeads(k: Knex): Promise<Array<{ table: string; cols: string[] }>> {
  return q(
    k,
    `SELECT i.indrelid::regclass::text AS table,
            array(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(n, o)
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.n
                   WHERE o <= i.indnkeyatts ORDER BY u.o) AS cols
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND i.indpred IS NULL`,
  );
}

function fkIsIndexed(fk: Fk, leads: Array<{ table: string; cols: string[] }>): boolean {
  const want = [...fk.cols].sort().join(',');
  return leads.some((ix) => ix.table === fk.table && [...ix.cols.slice(0, fk.cols.length)].sort().join(',') === want);
}

/** A sorted, oid-free dump of everything the migrations define. */
async function catalogSnapshot(k: Knex): Promise<string[]> {
  const parts: string[] = [];
  const add = (kind: string, rows: Array<Record<string, unknown>>) => {
    for (const r of rows) parts.push(`${kind} ${JSON.stringify(r)}`);
  };
  add(
    'column',
    await q(
      k,
      `SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default,
              character_maximum_length, numeric_precision, numeric_scale
         FROM information_schema.columns WHERE table_schema = 'public'`,
    ),
  );
  add(
    'constraint',
    await q(
      k,
      `SELECT c.conrelid::regclass::text AS table, c.conname, c.contype, pg_get_constraintdef(c.oid) AS def
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'`,
    ),
  );
  add('index', await q(k, `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`));
  add('enum', Object.entries(await publicEnums(k)).map(([name, labels]) => ({ name, labels })));
  add(
    'trigger',
    await q(
      k,
      `SELECT t.tgrelid::regclass::text AS table, t.tgname, pg_get_triggerdef(t.oid) AS def
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND NOT t.tgisinternal`,
    ),
  );
  add(
    'function',
    await q(
      k,
      `SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args, md5(p.prosrc) AS src
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public'`,
    ),
  );
  add(
    'comment',
    await q(
      k,
      `SELECT c.relname, a.attname, col_description(c.oid, a.attnum) AS d
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE n.nspname = 'public' AND a.attnum > 0 AND col_description(c.oid, a.attnum) IS NOT NULL
       UNION ALL
       SELECT c.relname, NULL, obj_description(c.oid, 'pg_class')
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND obj_description(c.oid, 'pg_class') IS NOT NULL`,
    ),
  );
  add('extension', await q(k, `SELECT extname, obj_description(oid, 'pg_extension') AS d FROM pg_extension`));
  return parts.sort();
}

// ---- the tests ---------------------------------------------------------------------------------

describe('PostgreSQL schema migrations (real PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof freshPgDatabase>>;
  let knex: Knex;
  let firstSnapshot: string[];

  beforeAll(async () => {
    db = await freshPgDatabase('rdbschema');
    knex = knexFactory({ client: 'pg', connection: db.url, pool: { min: 0, max: 2 }, migrations: { migrationSource } });
    const [, applied] = (await knex.migrate.latest()) as [number, string[]];
    expect(applied.length).toBe((await migrationSource.getMigrations([])).length);
    firstSnapshot = await catalogSnapshot(knex);
  });

  afterAll(async () => {
    await knex?.destroy();
    await db?.drop();
  });

  it('creates exactly the 50 documented tables', async () => {
    expect(EXPECTED_TABLES).toHaveLength(50);
    expect(await publicTables(knex)).toEqual([...EXPECTED_TABLES, ...TOOL_TABLES].sort());
  });

  it('creates the 21 documented enums with their labels in order', async () => {
    expect(Object.keys(EXPECTED_ENUMS)).toHaveLength(21);
    expect(await publicEnums(knex)).toEqual(EXPECTED_ENUMS);
  });

  it('gives every table a uuid primary key and timestamps kept by the shared trigger', async () => {
    const noPk = await q<{ t: string }>(
      knex,
      `SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint p WHERE p.conrelid = c.oid AND p.contype = 'p')`,
    );
    expect(noPk).toEqual([]);

    const ids = await q<{ table_name: string; data_type: string; column_default: string }>(
      knex,
      `SELECT table_name, data_type, column_default FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name = 'id' AND table_name = ANY(?)`,
      [EXPECTED_TABLES],
    );
    expect(ids).toHaveLength(50);
    for (const c of ids) {
      expect(c.data_type, c.table_name).toBe('uuid');
      expect(c.column_default, c.table_name).toBe('gen_random_uuid()');
    }

    const ts = await q<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string }>(
      knex,
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name IN ('created_at', 'updated_at') AND table_name = ANY(?)`,
      [EXPECTED_TABLES],
    );
    expect(ts).toHaveLength(100);
    for (const c of ts) {
      expect([c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default]).toEqual([
        c.table_name, c.column_name, 'timestamp with time zone', 'NO', 'CURRENT_TIMESTAMP',
      ]);
    }

    const triggers = await q<{ table: string }>(
      knex,
      `SELECT t.tgrelid::regclass::text AS table FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
        WHERE p.proname = 'recruit_set_updated_at' AND NOT t.tgisinternal AND t.tgparentid = 0`,
    );
    expect(triggers.map((t) => t.table).sort()).toEqual([...EXPECTED_TABLES].sort());
  });

  it('indexes every foreign-key column and chooses ON DELETE deliberately', async () => {
    const fks = await foreignKeys(knex);
    const leads = await indexLeads(knex);
    expect(fks.length).toBeGreaterThan(60);
    expect(fks.filter((fk) => !fkIsIndexed(fk, leads)).map((fk) => `${fk.table}(${fk.cols})`)).toEqual([]);

    const del = (table: string, col: string) => fks.find((f) => f.table === table && f.cols.join() === col)?.deltype;
    // A profile is its user's (cascade), bound to the user's type; a paid row is bound to its payment's type.
    for (const owner of ['students', 'companies', 'admins', 'instructors', 'mentors']) expect(del(owner, 'user_id,user_type'), owner).toBe('c');
    for (const t of PAYMENT_LINKS) expect(del(t, 'payment_id,payment_type'), t).toBe('r');
    // Paid rows and history rows are never cascaded away.
    for (const [t, c] of [['enrollments', 'student_id'], ['webinar_registrations', 'webinar_id'], ['webinar_registrations', 'user_id'], ['material_downloads', 'material_id'], ['material_downloads', 'user_id'], ['mentor_sessions', 'mentor_id'], ['mentor_sessions', 'student_id'], ['student_placements', 'student_id']]) {
      expect(del(t, c), `${t}.${c}`).toBe('r');
    }
    expect(del('payments', 'user_id')).toBe('r');
    expect(del('company_candidate_billing', 'company_id')).toBe('r');
    expect(del('company_candidate_billing', 'application_id')).toBe('r');
    expect(del('audit_logs', 'user_id')).toBe('n');
    expect(del('applications', 'reviewed_by_admin_id')).toBe('n');
    expect(del('application_status_history', 'application_id')).toBe('r');
    expect(del('application_status_history', 'changed_by')).toBe('n');
    expect(del('categories', 'parent_id')).toBe('n');
    expect(fks.find((f) => f.table === 'categories' && f.cols.join() === 'parent_id')?.ref).toBe('categories');
    // Nothing cascades into the audit log.
    expect(fks.filter((f) => f.table === 'audit_logs' && f.deltype === 'c')).toEqual([]);
    // payment_id is optional everywhere it links.
    const nullable = await q<{ table_name: string; is_nullable: string }>(
      knex,
      `SELECT table_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'payment_id'`,
    );
    expect(nullable.map((c) => c.table_name).sort()).toEqual([...PAYMENT_LINKS].sort());
    expect(nullable.every((c) => c.is_nullable === 'YES')).toBe(true);
  });

  it('uses every enum, on the columns the domain calls for', async () => {
    const usage = await q<{ table_name: string; column_name: string; udt_name: string }>(
      knex,
      `SELECT table_name, column_name, udt_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type = 'USER-DEFINED'`,
    );
    const used = new Set(usage.map((u) => u.udt_name));
    for (const e of Object.keys(EXPECTED_ENUMS)) expect(used.has(e), e).toBe(true);
    for (const [table, column, type] of EXPECTED_ENUM_COLUMNS) {
      expect(usage.find((u) => u.table_name === table && u.column_name === column)?.udt_name, `${table}.${column}`).toBe(type);
    }
  });

  it('has the S3 key columns the seeder fills', async () => {
    const cols = await q<{ c: string }>(
      knex,
      `SELECT table_name || '.' || column_name AS c FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name LIKE '%s3_key' AND data_type = 'text'`,
    );
    expect(cols.map((c) => c.c)).toEqual(
      expect.arrayContaining([
        'students.resume_s3_key', 'users.avatar_s3_key', 'companies.logo_s3_key', 'courses.thumbnail_s3_key',
        'lessons.content_s3_key', 'materials.s3_key', 'student_portfolios.image_s3_key', 'enrollments.certificate_s3_key',
      ]),
    );
  });

  it('falls back to real[] embeddings (no pgvector here) and records it', async () => {
    const r = await q<{ table: string; type: string; comment: string }>(
      knex,
      `SELECT c.relname AS table, format_type(a.atttypid, a.atttypmod) AS type, col_description(c.oid, a.attnum) AS comment
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relname IN ('student_embeddings', 'job_embeddings') AND a.attname = 'embedding' ORDER BY 1`,
    );
    expect(r).toEqual([
      { table: 'job_embeddings', type: 'real[]', comment: 'recruit-db:embedding storage=array dims=384' },
      { table: 'student_embeddings', type: 'real[]', comment: 'recruit-db:embedding storage=array dims=384' },
    ]);
    const ext = await q(knex, `SELECT 1 FROM pg_extension WHERE extname = 'vector'`);
    expect(ext).toEqual([]);
  });

  it('enforces the constraints (unique email ignoring case, ratings, money, overlap, ...)', async () => {
    await knex.transaction(async (trx) => {
      const [user] = await trx('users')
        .insert({ email: 'ada@example.com', password_hash: 'x', user_type: 'student', first_name: 'Ada', last_name: 'L' })
        .returning(['id', 'status', 'created_at', 'updated_at']);
      expect(user.status).toBe('pending_verification');
      const [student] = await trx('students').insert({ user_id: user.id }).returning('id');
      const [mentorUser] = await trx('users')
        .insert({ email: 'm@example.com', password_hash: 'x', user_type: 'mentor', first_name: 'M', last_name: 'N' })
        .returning('id');
      const [mentor] = await trx('mentors').insert({ user_id: mentorUser.id }).returning('id');
      const [instructorUser] = await trx('users')
        .insert({ email: 'i@example.com', password_hash: 'x', user_type: 'instructor', first_name: 'I', last_name: 'N' })
        .returning('id');
      const [instructor] = await trx('instructors').insert({ user_id: instructorUser.id }).returning('id');
      const [course] = await trx('courses').insert({ instructor_id: instructor.id, title: 'SQL', slug: 'sql' }).returning('id');

      // Each violation runs in a savepoint so the transaction stays usable.
      const attempt = (fn: (sp: Knex.Transaction) => Promise<unknown>) => sqlState(trx.transaction(fn));

      // E-mails are stored lower-case (so lookups use the unique index), and unique.
      expect(
        await attempt((sp) =>
          sp('users').insert({ email: 'ada@example.COM', password_hash: 'x', user_type: 'student', first_name: 'A', last_name: 'B' }),
        ),
      ).toBe('23514');
      expect(
        await attempt((sp) =>
          sp('users').insert({ email: 'ada@example.com', password_hash: 'x', user_type: 'student', first_name: 'A', last_name: 'B' }),
        ),
      ).toBe('23505');
      expect(await attempt((sp) => sp('users').insert({ email: 'z@example.com', user_type: 'student', first_name: 'A', last_name: 'B' }))).toBe('23502');
      expect(await attempt((sp) => sp('course_reviews').insert({ student_id: student.id, course_id: course.id, rating: 6 }))).toBe('23514');
      await trx('course_reviews').insert({ student_id: student.id, course_id: course.id, rating: 5 });
      expect(await attempt((sp) => sp('course_reviews').insert({ student_id: student.id, course_id: course.id, rating: 4 }))).toBe('23505');
      expect(await attempt((sp) => sp('courses').insert({ instructor_id: instructor.id, title: 'X', slug: 'x', pricing_model: 'one_time', price: -1 }))).toBe('23514');
      expect(await attempt((sp) => sp('courses').insert({ instructor_id: instructor.id, title: 'X', slug: 'x', currency: 'usd' }))).toBe('23514');
      expect(await attempt((sp) => sp('course_prerequisites').insert({ course_id: course.id, prerequisite_course_id: course.id }))).toBe('23514');
      expect(await attempt((sp) => sp('enrollments').insert({ student_id: student.id, course_id: course.id, progress_percent: 101 }))).toBe('23514');
      expect(await attempt((sp) => sp('courses').insert({ instructor_id: instructor.id, title: 'X', slug: 'x', difficulty_level: 'expert' }))).toBe('22P02');
      expect(await attempt((sp) => sp('skills').insert([{ name: 'TypeScript' }, { name: 'typescript' }]))).toBe('23505');

      const session = (starts: string, ends: string, status = 'scheduled') =>
        trx('mentor_sessions').insert({ mentor_id: mentor.id, student_id: student.id, starts_at: starts, ends_at: ends, status,
          cancelled_at: status === 'cancelled' ? new Date() : null });
      await session('2030-01-01T10:00:00Z', '2030-01-01T11:00:00Z');
      expect(await attempt((sp) =>
        sp('mentor_sessions').insert({ mentor_id: mentor.id, student_id: student.id, starts_at: '2030-01-01T10:30:00Z', ends_at: '2030-01-01T11:30:00Z' }),
      )).toBe('23P01');
      expect(await attempt((sp) =>
        sp('mentor_sessions').insert({ mentor_id: mentor.id, student_id: student.id, starts_at: '2030-01-01T12:00:00Z', ends_at: '2030-01-01T11:00:00Z' }),
      )).toBe('23514');
      // Back-to-back is fine (ranges are [start, end)), and a cancelled session frees its slot.
      await session('2030-01-01T11:00:00Z', '2030-01-01T12:00:00Z');
      await session('2030-01-01T10:15:00Z', '2030-01-01T10:45:00Z', 'cancelled');

      // updated_at follows updates (now() is the transaction start, so compare with an older value).
      await trx('users').where({ id: user.id }).update({ updated_at: '2001-01-01T00:00:00Z' });
      const [after] = await trx('users').where({ id: user.id }).update({ first_name: 'Ada B' }).returning('updated_at');
      expect(new Date(after.updated_at).getUTCFullYear()).toBeGreaterThan(2001);

      // Audit rows survive their actor (a user without paid rows, which would keep it).
      const [adminUser] = await trx('users')
        .insert({ email: 'root@example.com', password_hash: 'x', user_type: 'admin', first_name: 'R', last_name: 'T' })
        .returning('id');
      await trx('audit_logs').insert({ user_id: adminUser.id, action: 'login', entity_type: 'user', entity_id: adminUser.id, ip_address: '10.0.0.1' });
      await trx('users').where({ id: adminUser.id }).delete();
      const [audit] = await trx('audit_logs').select('user_id', 'action');
      expect(audit).toEqual({ user_id: null, action: 'login' });
      // ...and are append-only: no edit, no delete, not even a re-attribution.
      expect(await attempt((sp) => sp('audit_logs').update({ action: 'logout' }))).toBe('23001');
      expect(await attempt((sp) => sp('audit_logs').update({ user_id: user.id }))).toBe('23001');
      expect(await attempt((sp) => sp('audit_logs').update({ user_id: null }))).toBe('23001'); // nothing to clear: a plain edit
      expect(await attempt((sp) => sp('audit_logs').delete())).toBe('23001');
      expect(await trx('audit_logs').select('user_id', 'action')).toEqual([{ user_id: null, action: 'login' }]);

      // Money is not cascade-deleted.
      await trx('payments').insert({ user_id: user.id, payment_type: 'course_purchase', amount: '10.00', gateway: 'stripe' });
      expect(await attempt((sp) => sp('users').where({ id: user.id }).delete())).toBe('23503');

      throw new Error('rollback');
    }).catch((err: Error) => {
      if (err.message !== 'rollback') throw err;
    });
  });

  it('records the mentor no-overlap guard (btree_gist exclusion constraint here)', async () => {
    const [row] = await q<{ comment: string }>(knex, `SELECT obj_description('mentor_sessions'::regclass, 'pg_class') AS comment`);
    expect(row.comment).toMatch(/^recruit-db:no-overlap guard=exclusion constraint=mentor_sessions_no_overlap/);
    const [con] = await q<{ def: string }>(
      knex,
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'mentor_sessions_no_overlap' AND contype = 'x'`,
    );
    expect(con.def).toContain('EXCLUDE USING gist (mentor_id WITH =, tstzrange(starts_at, ends_at) WITH &&)');
  });

  it('rolls back to an empty public schema and re-migrates to the identical catalog', async () => {
    await knex.migrate.rollback(undefined, true);
    expect(await publicTables(knex)).toEqual(['knex_migrations', 'knex_migrations_lock']);
    const types = await q(
      knex,
      `SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' AND t.typtype <> 'c' AND t.typname NOT LIKE '_knex%'`,
    );
    expect(types).toEqual([]);
    const fns = await q(knex, `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'`);
    expect(fns).toEqual([]);
    const exts = await q<{ extname: string }>(knex, `SELECT extname FROM pg_extension ORDER BY 1`);
    expect(exts.map((e) => e.extname)).toEqual(['plpgsql']);

    await knex.migrate.latest();
    expect(await catalogSnapshot(knex)).toEqual(firstSnapshot);
  });
});
