import type { Knex } from 'knex';
import { addNoOverlapGuard, dropNoOverlapGuardFunction, ident } from '../src/stores/postgres/ddl';

/**
 * The smaller rules of issue 14, and the query paths' SQL functions (their indexes are built
 * CONCURRENTLY by 0021). CHECKs are added NOT VALID and validated by 0021.
 *
 * - jobs.filled_at is set exactly when status = 'filled';
 * - a cancelled webinar registration has cancelled_at;
 * - completed_at >= started_at wherever both exist (lesson_progress), and >= enrolled_at (enrollments);
 * - e-mail lookups use the unique index: users.email is stored lower-case (CHECK), so
 *   `WHERE email = lower($1)` is answered by users_email_unique (0021). Existing addresses are
 *   lower-cased (users_email_lower_unique already made them unique case-insensitively, so no two
 *   collide);
 * - a student is never double-booked: mentor_sessions_student_no_overlap, the mentor guard of 0009
 *   keyed by student_id (an exclusion constraint with btree_gist, a trigger without it, or when
 *   sessions written before already overlap: those stay, new and changed ones are checked);
 * - job_search_document(title, description): the weighted tsvector the jobs full-text index
 *   (jobs_search_gin) is built on; search with
 *   `WHERE job_search_document(title, description) @@ websearch_to_tsquery('english', $1)`.
 */

const CHECKS: ReadonlyArray<readonly [string, string, string]> = [
  ['jobs', 'jobs_filled_at_iff_filled_check', `(status = 'filled') = (filled_at IS NOT NULL)`],
  ['webinar_registrations', 'webinar_registrations_cancelled_at_when_cancelled_check', `status <> 'cancelled' OR cancelled_at IS NOT NULL`],
  ['lesson_progress', 'lesson_progress_completed_after_started_check', 'completed_at IS NULL OR completed_at >= started_at'],
  ['enrollments', 'enrollments_completed_after_enrolled_check', 'completed_at IS NULL OR completed_at >= enrolled_at'],
  ['users', 'users_email_lowercase_check', 'email = lower(email)'],
];

const STUDENT_GUARD = {
  table: 'mentor_sessions',
  name: 'mentor_sessions_student_no_overlap',
  key: 'student_id',
  start: 'starts_at',
  end: 'ends_at',
  active: (a: string) => `${a}status NOT IN ('cancelled', 'rescheduled')`,
};

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`UPDATE users SET email = lower(email) WHERE email <> lower(email)`);
  for (const [table, name, predicate] of CHECKS) {
    await knex.raw(`ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(name)} CHECK (${predicate}) NOT VALID`);
  }
  await addNoOverlapGuard(knex, STUDENT_GUARD, { recordOn: 'guard', existingRowsChecked: true });
  await knex.raw(`
    CREATE FUNCTION job_search_document(title text, description text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
      SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
    $fn$`);
  await knex.raw(
    `COMMENT ON FUNCTION job_search_document(text, text) IS 'Full-text document of a job (title weighted A, description B), indexed by jobs_search_gin: WHERE job_search_document(title, description) @@ websearch_to_tsquery(''english'', $1).'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP FUNCTION job_search_document(text, text)`);
  await knex.raw(`ALTER TABLE mentor_sessions DROP CONSTRAINT IF EXISTS ${ident(STUDENT_GUARD.name)}`);
  await knex.raw(`DROP TRIGGER IF EXISTS ${ident(STUDENT_GUARD.name)} ON mentor_sessions`);
  await dropNoOverlapGuardFunction(knex, STUDENT_GUARD.name);
  for (const [table, name] of [...CHECKS].reverse()) await knex.raw(`ALTER TABLE ${ident(table)} DROP CONSTRAINT ${ident(name)}`);
}
