import type { Knex } from 'knex';
import { addConstantColumn, addPayerCheck, changeForeignKeyAction, dropPayerCheck, ident, literal, type OnDelete } from '../src/stores/postgres/ddl';

/**
 * Paid rows and profiles bound to what they mean (issue 14). The columns and rules that need no new
 * index; the keys that do (composite foreign keys and their unique indexes) come in 0021, built
 * CONCURRENTLY.
 *
 * Paid rows: each table whose rows a payment buys gets a constant `payment_type` column (the one
 * payment type it may be bought with; a catalog default, so no table rewrite) that 0021 ties, with
 * payment_id, to payments (id, payment_type) by a composite foreign key; one payment buys at most
 * one row (0021: UNIQUE (payment_id, payment_type)); and the payer of the payment is the user who
 * gets the access (<table>_payer_check). A payment's payer and type never change afterwards
 * (payments_payer_immutable), so the check on the paid row cannot be undone from the other side.
 *
 *   enrollments               course_purchase        the student's user
 *   webinar_registrations     webinar_purchase       user_id
 *   material_downloads        material_purchase      user_id
 *   mentor_sessions           mentor_session         the student's user
 *   student_placements        placement_package      the student's user
 *   company_candidate_billing company_candidate_fee  the company's user
 *
 * `subscription` and `referral_package` have no table to link to: the contract (SCHEMA_SUMMARY.md)
 * has no subscriptions table and sells referrals only inside placement packages
 * (placement_packages.referral_count). Such payments stand alone until the contract adds the table
 * they buy (said in the comment on the payment_type enum).
 *
 * Paid rows are never cascaded away: their links to students, users, webinars, materials and
 * mentors become ON DELETE RESTRICT (a person with paid rows is deactivated via users.status, not
 * deleted). Rechecked foreign keys are added NOT VALID and validated by 0021.
 *
 * Profiles: students, companies, admins, instructors and mentors get a constant `user_type` column,
 * which 0021 ties with user_id to users (id, user_type): a students row only for a student user.
 */

export const PAID_ROWS: ReadonlyArray<{ table: string; type: string; beneficiary: string; columns: string[]; cascades: Array<[string, string]> }> = [
  { table: 'enrollments', type: 'course_purchase', beneficiary: '(SELECT s.user_id FROM students s WHERE s.id = NEW.student_id)', columns: ['student_id'], cascades: [['student_id', 'students']] },
  { table: 'webinar_registrations', type: 'webinar_purchase', beneficiary: 'NEW.user_id', columns: ['user_id'], cascades: [['webinar_id', 'webinars'], ['user_id', 'users']] },
  { table: 'material_downloads', type: 'material_purchase', beneficiary: 'NEW.user_id', columns: ['user_id'], cascades: [['material_id', 'materials'], ['user_id', 'users']] },
  { table: 'mentor_sessions', type: 'mentor_session', beneficiary: '(SELECT s.user_id FROM students s WHERE s.id = NEW.student_id)', columns: ['student_id'], cascades: [['mentor_id', 'mentors'], ['student_id', 'students']] },
  { table: 'student_placements', type: 'placement_package', beneficiary: '(SELECT s.user_id FROM students s WHERE s.id = NEW.student_id)', columns: ['student_id'], cascades: [['student_id', 'students']] },
  { table: 'company_candidate_billing', type: 'company_candidate_fee', beneficiary: '(SELECT c.user_id FROM companies c WHERE c.id = NEW.company_id)', columns: ['company_id'], cascades: [] },
];

export const PROFILES: ReadonlyArray<readonly [string, string]> = [
  ['students', 'student'],
  ['companies', 'company'],
  ['admins', 'admin'],
  ['instructors', 'instructor'],
  ['mentors', 'mentor'],
];

const PAYMENT_TYPE_COMMENT =
  'Which table a payment buys: course_purchase enrollments, webinar_purchase webinar_registrations, material_purchase material_downloads, ' +
  'mentor_session mentor_sessions, placement_package student_placements, company_candidate_fee company_candidate_billing (each row: payment_id, payment_type -> payments). ' +
  'subscription and referral_package buy no row: the contract has no subscriptions table and sells referrals inside placement packages.';

export async function up(knex: Knex): Promise<void> {
  for (const [table, type] of PROFILES) await addConstantColumn(knex, table, 'user_type', 'user_type', type);

  for (const p of PAID_ROWS) {
    await addConstantColumn(knex, p.table, 'payment_type', 'payment_type', p.type);
    await addPayerCheck(knex, p);
    for (const [column, ref] of p.cascades) await changeForeignKeyAction(knex, p.table, column, ref, 'RESTRICT');
    // On the column, not the table: mentor_sessions' table comment records its no-overlap guard.
    await knex.raw(
      `COMMENT ON COLUMN ${ident(p.table)}.payment_type IS ${literal(`Paid row: bought by a ${p.type} payment (payment_id, payment_type -> payments; one payment per row; the payer is the user who gets the access). Never cascaded away: its links are ON DELETE RESTRICT.`)}`,
    );
  }

  await knex.raw(`
    CREATE FUNCTION payments_payer_immutable() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      RAISE EXCEPTION 'payment %: its payer and type never change (% -> %, % -> %)', OLD.id, OLD.user_id, NEW.user_id, OLD.payment_type, NEW.payment_type
        USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_payer_immutable', TABLE = 'payments',
              HINT = 'refund it and record a new payment instead';
    END
    $fn$`);
  await knex.raw(
    `CREATE TRIGGER payments_payer_immutable BEFORE UPDATE OF user_id, payment_type ON payments FOR EACH ROW
       WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.payment_type IS DISTINCT FROM NEW.payment_type) EXECUTE FUNCTION payments_payer_immutable()`,
  );
  await knex.raw(`COMMENT ON TYPE payment_type IS ${literal(PAYMENT_TYPE_COMMENT)}`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`COMMENT ON TYPE payment_type IS NULL`);
  await knex.raw(`DROP TRIGGER payments_payer_immutable ON payments`);
  await knex.raw(`DROP FUNCTION payments_payer_immutable()`);
  for (const p of [...PAID_ROWS].reverse()) {
    for (const [column, ref] of [...p.cascades].reverse()) {
      const name = await changeForeignKeyAction(knex, p.table, column, ref, 'CASCADE' as OnDelete);
      await knex.raw(`ALTER TABLE ${ident(p.table)} VALIDATE CONSTRAINT ${ident(name)}`);
    }
    await dropPayerCheck(knex, p.table);
    await knex.raw(`ALTER TABLE ${ident(p.table)} DROP COLUMN payment_type`);
  }
  for (const [table] of [...PROFILES].reverse()) await knex.raw(`ALTER TABLE ${ident(table)} DROP COLUMN user_type`);
}
