import type { Knex } from 'knex';
import { createTable, dropTables } from '../src/stores/postgres/ddl';

/**
 * Payments: every transaction. Created before the tables that point at it (enrollments,
 * webinar_registrations, material_downloads, mentor_sessions, student_placements and
 * company_candidate_billing each carry a nullable payment_id ON DELETE RESTRICT).
 * Money is never cascade-deleted: payments.user_id is ON DELETE RESTRICT as well.
 * (company_candidate_billing, the summary's other Payments table, needs applications: 0013.)
 */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'payments', (k, t) => {
    k.fk('user_id', 'users', 'RESTRICT');
    k.enumCol('payment_type', 'payment_type');
    k.money('amount');
    k.currency();
    k.enumCol('status', 'payment_status', { default: 'pending' });
    k.name('gateway');
    k.text('gateway_payment_id', { nullable: true }).unique();
    k.text('description', { nullable: true });
    k.text('failure_reason', { nullable: true });
    k.ts('paid_at');
    k.ts('refunded_at');
    k.check('paid_at_when_settled', `status NOT IN ('completed', 'refunded') OR paid_at IS NOT NULL`);
    k.check('refunded_at_when_refunded', `status <> 'refunded' OR refunded_at IS NOT NULL`);
    t.index(['user_id', 'created_at']);
    t.index(['status', 'payment_type']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropTables(knex, ['payments']);
}
