import type { Knex } from 'knex';
import { createTable, dropTables } from '../src/stores/postgres/ddl';

/**
 * Payments (second part): companies pay per forwarded candidate. One bill per application.
 * Billing is money: company, application and payment links are all ON DELETE RESTRICT.
 */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'company_candidate_billing', (k, t) => {
    k.fk('company_id', 'companies', 'RESTRICT');
    k.fk('application_id', 'applications', 'RESTRICT').unique();
    k.money('amount');
    k.currency();
    k.enumCol('status', 'payment_status', { default: 'pending' });
    k.fk('payment_id', 'payments', 'RESTRICT', { nullable: true });
    k.text('invoice_number', { nullable: true }).unique();
    k.ts('billed_at', { defaultNow: true });
    k.ts('due_at');
    k.ts('paid_at');
    k.check('due_after_billed', 'due_at IS NULL OR due_at >= billed_at');
    k.check('paid_at_when_completed', `status <> 'completed' OR paid_at IS NOT NULL`);
    t.index(['company_id', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropTables(knex, ['company_candidate_billing']);
}
