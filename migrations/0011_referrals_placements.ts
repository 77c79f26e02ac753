import type { Knex } from 'knex';
import { createTable, dropTables } from '../src/stores/postgres/ddl';

/**
 * Referrals & placements: placement packages (the service sold), a student's placement
 * (linked to its payment), and referral contacts made for a student at a company.
 */
const TABLES = ['placement_packages', 'student_placements', 'referral_contacts'] as const;

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'placement_packages', (k, t) => {
    k.name('name');
    k.uniqueLower('name');
    k.text('description', { nullable: true });
    k.money('price');
    k.currency();
    k.positive('duration_days');
    k.count('referral_count', { default: 0 });
    k.count('mentor_session_count', { default: 0 });
    t.boolean('is_active').notNullable().defaultTo(true);
  });

  await createTable(knex, 'student_placements', (k, t) => {
    k.fk('student_id', 'students', 'CASCADE');
    k.fk('package_id', 'placement_packages', 'RESTRICT');
    k.enumCol('status', 'placement_status', { default: 'active' });
    k.ts('starts_at', { defaultNow: true });
    k.ts('ends_at');
    k.period('starts_at', 'ends_at');
    k.fk('payment_id', 'payments', 'RESTRICT', { nullable: true });
    k.fk('placed_job_id', 'jobs', 'SET NULL');
    k.ts('placed_at');
    k.text('notes', { nullable: true });
    t.index(['student_id', 'status']);
  });

  await createTable(knex, 'referral_contacts', (k, t) => {
    k.fk('student_id', 'students', 'CASCADE');
    k.fk('student_placement_id', 'student_placements', 'SET NULL');
    k.fk('company_id', 'companies', 'SET NULL');
    k.fk('job_id', 'jobs', 'SET NULL');
    k.fk('managed_by_admin_id', 'admins', 'SET NULL');
    k.name('company_name');
    k.name('contact_name');
    k.text('contact_email', { nullable: true });
    k.check('contact_email_format', `contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+$'`);
    k.text('contact_title', { nullable: true });
    k.text('linkedin_url', { nullable: true });
    k.enumCol('status', 'referral_status', { default: 'pending' });
    k.ts('contacted_at');
    k.ts('converted_at');
    k.text('notes', { nullable: true });
    k.check('contacted_at_when_contacted', `status = 'pending' OR contacted_at IS NOT NULL`);
    t.index(['student_id', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropTables(knex, [...TABLES].reverse());
}
