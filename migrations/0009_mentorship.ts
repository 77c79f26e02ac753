import type { Knex } from 'knex';
import { addNoOverlapGuard, createTable, dropNoOverlapGuardFunction, dropTables } from '../src/stores/postgres/ddl';

/**
 * Mentorship: booked 1:1 sessions and one review per session.
 * A mentor must not be double-booked: sessions that still occupy their slot (not cancelled, not
 * rescheduled — a rescheduled session is replaced by a new row) must not overlap in time.
 * With btree_gist this is an EXCLUDE constraint; without it a trigger raising the same SQLSTATE.
 */
const TABLES = ['mentor_sessions', 'mentor_reviews'] as const;
const NO_OVERLAP = 'mentor_sessions_no_overlap';

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'mentor_sessions', (k, t) => {
    k.fk('mentor_id', 'mentors', 'CASCADE');
    k.fk('student_id', 'students', 'CASCADE');
    k.ts('starts_at', { nullable: false });
    k.ts('ends_at', { nullable: false });
    k.period('starts_at', 'ends_at');
    k.enumCol('status', 'session_status', { default: 'scheduled' });
    k.text('topic', { nullable: true });
    k.text('agenda', { nullable: true });
    k.text('meeting_url', { nullable: true });
    k.text('mentor_notes', { nullable: true });
    k.money('price', { defaultZero: true });
    k.currency();
    k.fk('payment_id', 'payments', 'RESTRICT', { nullable: true });
    k.fk('rescheduled_from_id', 'mentor_sessions', 'SET NULL');
    k.ts('cancelled_at');
    k.text('cancellation_reason', { nullable: true });
    k.check('cancelled_at_when_cancelled', `status <> 'cancelled' OR cancelled_at IS NOT NULL`);
    t.index(['mentor_id', 'starts_at']);
    t.index(['student_id', 'starts_at']);
  });
  await addNoOverlapGuard(knex, {
    table: 'mentor_sessions',
    name: NO_OVERLAP,
    key: 'mentor_id',
    start: 'starts_at',
    end: 'ends_at',
    active: (a) => `${a}status NOT IN ('cancelled', 'rescheduled')`,
  });

  await createTable(knex, 'mentor_reviews', (k) => {
    k.fk('session_id', 'mentor_sessions', 'CASCADE').unique();
    k.rating('rating');
    k.text('comment', { nullable: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropTables(knex, [...TABLES].reverse());
  await dropNoOverlapGuardFunction(knex, NO_OVERLAP);
}
