/**
 * The second schema release's rules (issue 14, migrations 0017-0021) against the real PostgreSQL 15
 * server: for each rule the bad write is refused with the expected SQLSTATE and the good one passes.
 * Each case runs in a transaction that is rolled back (deferred checks fire at an explicit
 * SET CONSTRAINTS ALL IMMEDIATE, where COMMIT would fire them).
 */
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { q, sqlState } from '../helpers/pg';
import { migratedPgDatabase } from '../helpers/stores';

let db: Awaited<ReturnType<typeof migratedPgDatabase>>;
let knex: Knex;

beforeAll(async () => {
  db = await migratedPgDatabase('rdbrel2');
  knex = knexFactory({ client: 'pg', connection: db.url, pool: { min: 0, max: 2 } });
});
afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

class Rollback extends Error {}
/** Runs `fn` in a transaction that is always rolled back. */
async function scratch(fn: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
  await knex
    .transaction(async (trx) => {
      await fn(trx);
      throw new Rollback();
    })
    .catch((err) => {
      if (!(err instanceof Rollback)) throw err;
    });
}
/** The SQLSTATE of `fn` in a savepoint (the transaction stays usable), undefined when it passes. */
const attempt = (trx: Knex.Transaction, fn: (sp: Knex.Transaction) => Promise<unknown>) => sqlState(trx.transaction(fn));
/** Fires the deferred checks now, as COMMIT would, in a savepoint. */
const commitChecks = (trx: Knex.Transaction, fn: (sp: Knex.Transaction) => Promise<unknown> = async () => undefined) =>
  attempt(trx, async (sp) => {
    await fn(sp);
    await sp.raw('SET CONSTRAINTS ALL IMMEDIATE');
    await sp.raw('SET CONSTRAINTS ALL DEFERRED');
  });

let n = 0;
async function user(trx: Knex.Transaction, type: string): Promise<string> {
  const [u] = await trx('users').insert({ email: `u${++n}@example.com`, password_hash: 'x', user_type: type, first_name: 'F', last_name: 'L' }).returning('id');
  return u.id;
}
async function profile(trx: Knex.Transaction, table: string, type: string, extra: Record<string, unknown> = {}): Promise<{ id: string; user: string }> {
  const u = await user(trx, type);
  const [p] = await trx(table).insert({ user_id: u, ...extra }).returning('id');
  return { id: p.id, user: u };
}
async function job(trx: Knex.Transaction): Promise<string> {
  const co = await profile(trx, 'companies', 'company', { name: 'Acme' });
  const [j] = await trx('jobs').insert({ company_id: co.id, title: 'Dev', description: 'Build things', employment_type: 'full_time', remote_type: 'remote' }).returning('id');
  return j.id;
}

const STAGE: Record<string, string> = { pending_admin_review: 'new_candidates', admin_shortlisted: 'new_candidates', rejected_by_admin: 'rejected', hired: 'hired' };

describe('the application state machine', () => {
  it('is the graph of seeds/domain.ts, in the transitions table', async () => {
    const edges = await q<{ e: string }>(knex, `SELECT from_status || '>' || to_status AS e FROM recruit_db_application_transitions ORDER BY 1`);
    expect(edges).toHaveLength(23);
    expect(edges.map((x) => x.e)).toContain('offer_accepted>hired');
  });

  it('refuses an edge not in the graph (23514) and writes the history row of an allowed one, with the session actor', async () => {
    await scratch(async (trx) => {
      const student = await profile(trx, 'students', 'student');
      const admin = await user(trx, 'admin');
      const [app] = await trx('applications').insert({ student_id: student.id, job_id: await job(trx) }).returning('id');
      // Inserted in the initial status without history: its first row is written at COMMIT.
      expect(await commitChecks(trx)).toBeUndefined();
      expect(await trx('application_status_history').where({ application_id: app.id }).select('from_status', 'to_status')).toEqual([{ from_status: null, to_status: 'pending_admin_review' }]);

      expect(await attempt(trx, (sp) => sp('applications').where({ id: app.id }).update({ status: 'hired' }))).toBe('23514');
      const err = await trx.transaction((sp) => sp('applications').where({ id: app.id }).update({ status: 'hired' })).catch((e) => e);
      expect(err.constraint).toBe('applications_status_transition');
      expect(err.hint).toBe('allowed from pending_admin_review: admin_shortlisted, rejected_by_admin, withdrawn');

      await trx.raw(`SELECT set_config('recruit_db.actor_id', ?, true), set_config('recruit_db.note', 'strong profile', true)`, [admin]);
      await trx('applications').where({ id: app.id }).update({ status: 'admin_shortlisted' });
      await trx('applications').where({ id: app.id }).update({ status: 'forwarded_to_company' });
      const [row] = await trx('applications').where({ id: app.id }).select('stage');
      expect(row.stage).toBe('new_candidates');
      await trx('applications').where({ id: app.id }).update({ status: 'under_company_review' });
      expect((await trx('applications').where({ id: app.id }).select('stage'))[0].stage).toBe('under_review');
      // (One transaction: the three changes share now(), so the rows are compared as a set.)
      const h = await trx('application_status_history').where({ application_id: app.id }).whereNotNull('from_status').select('from_status', 'to_status', 'changed_by', 'note');
      expect(h).toHaveLength(3);
      expect(h).toEqual(expect.arrayContaining([
        { from_status: 'pending_admin_review', to_status: 'admin_shortlisted', changed_by: admin, note: 'strong profile' },
        { from_status: 'admin_shortlisted', to_status: 'forwarded_to_company', changed_by: admin, note: 'strong profile' },
        { from_status: 'forwarded_to_company', to_status: 'under_company_review', changed_by: admin, note: 'strong profile' },
      ]));
      expect(await commitChecks(trx)).toBeUndefined();
    });
  });

  it('keeps stage a function of status (23514)', async () => {
    await scratch(async (trx) => {
      const student = await profile(trx, 'students', 'student');
      const [app] = await trx('applications').insert({ student_id: student.id, job_id: await job(trx) }).returning('id');
      expect(await attempt(trx, (sp) => sp('applications').where({ id: app.id }).update({ stage: 'hired' }))).toBe('23514');
      expect(await attempt(trx, (sp) => sp('applications').where({ id: app.id }).update({ status: 'admin_shortlisted', stage: 'interviewing' }))).toBe('23514');
    });
  });

  it('the bulk INSERT path: an application in its final status with its history rows passes; without them, or with a broken walk, COMMIT refuses (23514)', async () => {
    await scratch(async (trx) => {
      const student = await profile(trx, 'students', 'student');
      const walk = ['pending_admin_review', 'admin_shortlisted', 'rejected_by_admin'];
      const t0 = Date.UTC(2025, 0, 1);
      const load = async (sp: Knex.Transaction, steps: string[]) =>
        sp('applications').insert({ student_id: student.id, job_id: await job(sp), status: steps[steps.length - 1], stage: STAGE[steps[steps.length - 1]] }).returning('id')
          .then(([a]) => sp('application_status_history').insert(steps.map((to, k) => ({ application_id: a.id, from_status: k ? steps[k - 1] : null, to_status: to, changed_at: new Date(t0 + k * 86_400_000) }))));
      expect(await commitChecks(trx, (sp) => load(sp, walk))).toBeUndefined();
      expect(await commitChecks(trx, async (sp) => sp('applications').insert({ student_id: student.id, job_id: await job(sp), status: 'hired', stage: 'hired' }).then(() => undefined))).toBe('23514');
      // A walk that stops short of the application's status.
      expect(
        await commitChecks(trx, async (sp) => {
          const [a] = await sp('applications').insert({ student_id: student.id, job_id: await job(sp), status: 'rejected_by_admin', stage: 'rejected' }).returning('id');
          await sp('application_status_history').insert([{ application_id: a.id, from_status: null, to_status: 'pending_admin_review' }]);
        }),
      ).toBe('23514');
      // An edge outside the graph is refused by the history's foreign key to the transitions (23503).
      expect(await commitChecks(trx, (sp) => load(sp, ['pending_admin_review', 'rejected_by_admin', 'hired']))).toBe('23503');
    });
  });

  it('a history row that does not match the application is refused at COMMIT; history is never cascaded away (23503)', async () => {
    await scratch(async (trx) => {
      const student = await profile(trx, 'students', 'student');
      const [app] = await trx('applications').insert({ student_id: student.id, job_id: await job(trx) }).returning('id');
      await trx.raw('SET CONSTRAINTS ALL IMMEDIATE');
      await trx.raw('SET CONSTRAINTS ALL DEFERRED');
      expect(await commitChecks(trx, (sp) => sp('application_status_history').insert({ application_id: app.id, from_status: 'pending_admin_review', to_status: 'withdrawn' }))).toBe('23514');
      expect(await attempt(trx, (sp) => sp('applications').where({ id: app.id }).delete())).toBe('23503');
    });
  });
});

describe('paid rows', () => {
  async function enrollmentSetup(trx: Knex.Transaction) {
    const student = await profile(trx, 'students', 'student');
    const instructor = await profile(trx, 'instructors', 'instructor');
    const [course] = await trx('courses').insert({ instructor_id: instructor.id, title: 'SQL', slug: `sql-${++n}`, pricing_model: 'one_time', price: '10.00' }).returning('id');
    const pay = async (payer: string, type: string) => (await trx('payments').insert({ user_id: payer, payment_type: type, amount: '10.00', gateway: 'stripe' }).returning('id'))[0].id as string;
    return { student, course: course.id as string, pay };
  }

  it('a payment of the wrong type is refused by the composite foreign key (23503), the right one passes', async () => {
    await scratch(async (trx) => {
      const { student, course, pay } = await enrollmentSetup(trx);
      const webinar = await pay(student.user, 'webinar_purchase');
      expect(await attempt(trx, (sp) => sp('enrollments').insert({ student_id: student.id, course_id: course, payment_id: webinar }))).toBe('23503');
      expect(await attempt(trx, (sp) => sp('enrollments').insert({ student_id: student.id, course_id: course, payment_id: webinar, payment_type: 'webinar_purchase' }))).toBe('23514');
      await trx('enrollments').insert({ student_id: student.id, course_id: course, payment_id: await pay(student.user, 'course_purchase') });
    });
  });

  it('one payment per paid row (23505); the payer is the user who gets the access (23514)', async () => {
    await scratch(async (trx) => {
      const { student, course, pay } = await enrollmentSetup(trx);
      const payment = await pay(student.user, 'course_purchase');
      await trx('enrollments').insert({ student_id: student.id, course_id: course, payment_id: payment });
      const [second] = await trx('courses').insert({ instructor_id: (await profile(trx, 'instructors', 'instructor')).id, title: 'SQL 2', slug: `sql-${++n}`, pricing_model: 'one_time', price: '10.00' }).returning('id');
      expect(await attempt(trx, (sp) => sp('enrollments').insert({ student_id: student.id, course_id: second.id, payment_id: payment }))).toBe('23505');
      const other = await profile(trx, 'students', 'student');
      const company = await user(trx, 'company');
      const err = await trx.transaction((sp) => pay(company, 'course_purchase').then((p) => sp('enrollments').insert({ student_id: other.id, course_id: course, payment_id: p }))).catch((e) => e);
      expect([err.code, err.constraint]).toEqual(['23514', 'enrollments_payer_check']);
      // A webinar registration (payer = the registered user) the same way.
      const [w] = await trx('webinars').insert({ title: 'Live', starts_at: '2030-01-01T10:00:00Z', ends_at: '2030-01-01T11:00:00Z', pricing_model: 'one_time', price: '5.00' }).returning('id');
      expect(await attempt(trx, async (sp) => sp('webinar_registrations').insert({ webinar_id: w.id, user_id: other.user, payment_id: await pay(student.user, 'webinar_purchase') }))).toBe('23514');
      await trx('webinar_registrations').insert({ webinar_id: w.id, user_id: other.user, payment_id: await pay(other.user, 'webinar_purchase') });
    });
  });

  it('a payment\'s payer and type never change (23514); paid rows are never cascaded away (23503)', async () => {
    await scratch(async (trx) => {
      const { student, course, pay } = await enrollmentSetup(trx);
      const payment = await pay(student.user, 'course_purchase');
      await trx('enrollments').insert({ student_id: student.id, course_id: course, payment_id: payment });
      expect(await attempt(trx, (sp) => sp('payments').where({ id: payment }).update({ user_id: student.user, payment_type: 'subscription' }))).toBe('23514');
      expect(await attempt(trx, async (sp) => sp('payments').where({ id: payment }).update({ user_id: await user(sp, 'student') }))).toBe('23514');
      await trx('payments').where({ id: payment }).update({ status: 'completed', paid_at: new Date() });
      expect(await attempt(trx, (sp) => sp('students').where({ id: student.id }).delete())).toBe('23503');
      expect(await attempt(trx, (sp) => sp('users').where({ id: student.user }).delete())).toBe('23503');
      expect(await attempt(trx, (sp) => sp('payments').where({ id: payment }).delete())).toBe('23503');
      const mentor = await profile(trx, 'mentors', 'mentor');
      await trx('mentor_sessions').insert({ mentor_id: mentor.id, student_id: student.id, starts_at: '2030-02-01T10:00:00Z', ends_at: '2030-02-01T11:00:00Z' });
      expect(await attempt(trx, (sp) => sp('users').where({ id: mentor.user }).delete())).toBe('23503');
    });
  });
});

describe('profiles', () => {
  it('a profile row only for a user of its type (23503); the type of a user with a profile does not change', async () => {
    await scratch(async (trx) => {
      const company = await user(trx, 'company');
      expect(await attempt(trx, (sp) => sp('students').insert({ user_id: company }))).toBe('23503');
      expect(await attempt(trx, (sp) => sp('students').insert({ user_id: company, user_type: 'company' }))).toBe('23514');
      await trx('companies').insert({ user_id: company, name: 'Acme' });
      expect(await attempt(trx, (sp) => sp('users').where({ id: company }).update({ user_type: 'student' }))).toBe('23503');
      const [s] = await trx('students').insert({ user_id: await user(trx, 'student') }).returning('user_type');
      expect(s.user_type).toBe('student');
    });
  });
});

describe('audit_logs', () => {
  it('keeps the actor when the user goes; only the foreign key may clear user_id (23001 by hand)', async () => {
    await scratch(async (trx) => {
      const u = await user(trx, 'admin');
      const [email] = await trx('users').where({ id: u }).pluck('email');
      await trx('audit_logs').insert({ user_id: u, action: 'user.login', entity_type: 'users', entity_id: u, created_at: '2025-03-04T05:06:07Z' });
      expect(await attempt(trx, (sp) => sp('audit_logs').update({ user_id: null }))).toBe('23001');
      expect(await attempt(trx, (sp) => sp('audit_logs').update({ actor_email: 'x@example.com' }))).toBe('23001');
      expect(await attempt(trx, (sp) => sp('audit_logs').delete())).toBe('23001');
      expect(await attempt(trx, (sp) => sp('audit_logs').insert({ user_id: u, actor_id: student, action: 'x', entity_type: 'users' }))).toBe('23514');
      await trx('users').where({ id: u }).delete();
      expect(await trx('audit_logs').select('user_id', 'actor_id', 'actor_email')).toEqual([{ user_id: null, actor_id: u, actor_email: email }]);
    });
  });
  const student = '00000000-0000-4000-8000-000000000001';

  it('monthly partitions: rows of months without one wait in the default partition; creating months moves them; retention drops months', async () => {
    await scratch(async (trx) => {
      const rows = ['2024-11-30T23:59:59Z', '2024-12-01T00:00:00Z', '2025-01-15T12:00:00Z', '2025-02-01T00:00:00Z'];
      await trx('audit_logs').insert(rows.map((at) => ({ action: 'job.publish', entity_type: 'jobs', created_at: at })));
      const where = async () => (await trx.raw(`SELECT tableoid::regclass::text AS p, count(*)::int AS n FROM audit_logs GROUP BY 1 ORDER BY 1`)).rows;
      expect(await where()).toEqual([{ p: 'audit_logs_default', n: 4 }]);
      const made = (await trx.raw(`SELECT * FROM audit_logs_create_partitions('2024-12-01', '2025-01-31')`)).rows.map((r: Record<string, string>) => Object.values(r)[0]);
      expect(made).toEqual(['audit_logs_y2024m12', 'audit_logs_y2025m01']);
      expect(await where()).toEqual([{ p: 'audit_logs_default', n: 2 }, { p: 'audit_logs_y2024m12', n: 1 }, { p: 'audit_logs_y2025m01', n: 1 }]);
      // Still append-only after the move (the parent's guard covers the new partitions).
      expect(await attempt(trx, (sp) => sp.raw(`DELETE FROM audit_logs_y2025m01`))).toBe('23001');
      const dropped = (await trx.raw(`SELECT * FROM audit_logs_drop_partitions('2025-01-01')`)).rows.map((r: Record<string, string>) => Object.values(r)[0]);
      expect(dropped).toEqual(['audit_logs_y2024m12']);
      expect(await where()).toEqual([{ p: 'audit_logs_default', n: 2 }, { p: 'audit_logs_y2025m01', n: 1 }]);
      const [idx] = (await trx.raw(`SELECT indexdef FROM pg_indexes WHERE indexname = 'audit_logs_created_at_brin'`)).rows;
      expect(idx.indexdef).toContain('USING brin (created_at)');
    });
  });
});

describe('the smaller rules', () => {
  it('filled_at iff filled; cancelled_at when cancelled; completed after started; lower-case e-mail (23514)', async () => {
    await scratch(async (trx) => {
      const jobId = await job(trx);
      expect(await attempt(trx, (sp) => sp('jobs').where({ id: jobId }).update({ status: 'filled', published_at: new Date() }))).toBe('23514');
      expect(await attempt(trx, (sp) => sp('jobs').where({ id: jobId }).update({ filled_at: new Date() }))).toBe('23514');
      await trx('jobs').where({ id: jobId }).update({ status: 'filled', published_at: new Date(), filled_at: new Date() });
      const [w] = await trx('webinars').insert({ title: 'Live', starts_at: '2030-01-01T10:00:00Z', ends_at: '2030-01-01T11:00:00Z' }).returning('id');
      const u = await user(trx, 'student');
      expect(await attempt(trx, (sp) => sp('webinar_registrations').insert({ webinar_id: w.id, user_id: u, status: 'cancelled' }))).toBe('23514');
      await trx('webinar_registrations').insert({ webinar_id: w.id, user_id: u, status: 'cancelled', cancelled_at: new Date() });
      expect(await attempt(trx, (sp) => sp('users').insert({ email: 'Mixed@Example.com', password_hash: 'x', user_type: 'admin', first_name: 'A', last_name: 'B' }))).toBe('23514');
    });
    await scratch(async (trx) => {
      const student = await profile(trx, 'students', 'student');
      const instructor = await profile(trx, 'instructors', 'instructor');
      const [course] = await trx('courses').insert({ instructor_id: instructor.id, title: 'SQL', slug: `sql-${++n}` }).returning('id');
      const [m] = await trx('modules').insert({ course_id: course.id, title: 'M', position: 1 }).returning('id');
      const [l] = await trx('lessons').insert({ module_id: m.id, title: 'L', content_type: 'text', position: 1 }).returning('id');
      expect(await attempt(trx, (sp) => sp('enrollments').insert({ student_id: student.id, course_id: course.id, status: 'completed', enrolled_at: '2025-02-01', completed_at: '2025-01-01' }))).toBe('23514');
      const [e] = await trx('enrollments').insert({ student_id: student.id, course_id: course.id }).returning('id');
      expect(await attempt(trx, (sp) => sp('lesson_progress').insert({ enrollment_id: e.id, lesson_id: l.id, started_at: '2025-02-01', completed_at: '2025-01-31' }))).toBe('23514');
      await trx('lesson_progress').insert({ enrollment_id: e.id, lesson_id: l.id, started_at: '2025-02-01', completed_at: '2025-02-01' });
    });
  });

  it('gateway_payment_id is unique per gateway (23505), not across gateways', async () => {
    await scratch(async (trx) => {
      const u = await user(trx, 'student');
      const p = (gateway: string) => ({ user_id: u, payment_type: 'subscription', amount: '1.00', gateway, gateway_payment_id: 'ch_1' });
      await trx('payments').insert(p('stripe'));
      await trx('payments').insert(p('paypal'));
      expect(await attempt(trx, (sp) => sp('payments').insert(p('stripe')))).toBe('23505');
    });
  });

  it('a student is never double-booked with two mentors (23P01, btree_gist exclusion here)', async () => {
    const [con] = await q<{ def: string }>(knex, `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'mentor_sessions_student_no_overlap'`);
    expect(con.def).toContain('EXCLUDE USING gist (student_id WITH =, tstzrange(starts_at, ends_at) WITH &&)');
    await scratch(async (trx) => {
      const student = await profile(trx, 'students', 'student');
      const [a, b] = [await profile(trx, 'mentors', 'mentor'), await profile(trx, 'mentors', 'mentor')];
      await trx('mentor_sessions').insert({ mentor_id: a.id, student_id: student.id, starts_at: '2030-01-01T10:00:00Z', ends_at: '2030-01-01T11:00:00Z' });
      expect(await attempt(trx, (sp) => sp('mentor_sessions').insert({ mentor_id: b.id, student_id: student.id, starts_at: '2030-01-01T10:30:00Z', ends_at: '2030-01-01T11:30:00Z' }))).toBe('23P01');
      await trx('mentor_sessions').insert({ mentor_id: b.id, student_id: student.id, starts_at: '2030-01-01T11:00:00Z', ends_at: '2030-01-01T12:00:00Z' });
    });
  });
});

describe('query paths use their indexes', () => {
  const plan = async (trx: Knex.Transaction, sql: string, bindings: unknown[] = []) => {
    await trx.raw('SET LOCAL enable_seqscan = off');
    return ((await trx.raw(`EXPLAIN ${sql}`, bindings as Knex.RawBinding[])).rows as Array<{ 'QUERY PLAN': string }>).map((r) => r['QUERY PLAN']).join('\n');
  };
  it('jobs full-text search, unread notifications, e-mail lookup', async () => {
    await scratch(async (trx) => {
      expect(await plan(trx, `SELECT id FROM jobs WHERE job_search_document(title, description) @@ websearch_to_tsquery('english', ?)`, ['senior postgres'])).toContain('jobs_search_gin');
      expect(await plan(trx, `SELECT id FROM notifications WHERE user_id = ? AND read_at IS NULL ORDER BY created_at DESC LIMIT 20`, ['00000000-0000-4000-8000-000000000001'])).toContain('notifications_unread_index');
      expect(await plan(trx, `SELECT id FROM users WHERE email = lower(?)`, ['Ada@Example.com'])).toContain('users_email_unique');
    });
  });
});

describe('every second-release constraint is validated on a fresh database', () => {
  it('none is left NOT VALID, none carries a not-valid report', async () => {
    expect(await q(knex, `SELECT conrelid::regclass::text AS t, conname FROM pg_constraint WHERE NOT convalidated`)).toEqual([]);
    expect(await q(knex, `SELECT 1 FROM pg_description WHERE description LIKE 'recruit-db:not-valid%'`)).toEqual([]);
  });
});
