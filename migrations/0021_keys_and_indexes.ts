import type { Knex } from 'knex';
import {
  addConstraint,
  constraintExists,
  createIndexConcurrently,
  dropConstraint,
  dropIndexConcurrently,
  ident,
  literal,
  NOT_VALID_MARKER,
  validateOrReport,
} from '../src/stores/postgres/ddl';
import { PAID_ROWS, PROFILES } from './0018_paid_rows_and_profiles';

/**
 * The keys and indexes of the second release, on tables that may hold data (issue 14), the safe
 * way: outside a transaction (config.transaction = false), every index built CONCURRENTLY (writes
 * go on), then attached as a constraint (UNIQUE ... USING INDEX, a brief lock), foreign keys added
 * NOT VALID and validated (SHARE UPDATE EXCLUSIVE: reads and writes go on). Every step checks
 * whether it is done already, so a run that died halfway is simply run again. Then every constraint
 * 0017-0021 added NOT VALID is validated, or, where rows written before break it, left NOT VALID
 * (still enforced for new and changed rows) with a `recruit-db:not-valid` comment saying why.
 *
 * - users UNIQUE (id, user_type), and each profile table's (user_id, user_type) a foreign key to it
 *   (ON DELETE CASCADE as before) with UNIQUE (user_id, user_type) in place of UNIQUE (user_id)
 *   (the same rule: user_type is constant per table) and of the plain user_id key;
 * - payments UNIQUE (id, payment_type), and each paid row's (payment_id, payment_type) a foreign key
 *   to it (ON DELETE RESTRICT) with UNIQUE (payment_id, payment_type): one payment per paid row, in
 *   place of the plain payment_id key and its index. Where rows written before already share a
 *   payment, the index is built non-unique and its comment says so (nothing is deleted);
 * - gateway_payment_id unique per gateway (UNIQUE (gateway, gateway_payment_id), in place of
 *   UNIQUE (gateway_payment_id): two gateways may issue the same id);
 * - users UNIQUE (email) (e-mails are lower-case since 0020) in place of the lower(email) index;
 * - the query paths: jobs_search_gin (full text), notifications_unread_index (partial, unread),
 *   and the index of the history's foreign key to the transitions.
 *
 * A dry run skips this migration (it cannot run in the dry run's transaction); squawk's verdict on
 * its SQL is in docs/schema-release-2.md.
 */
export const config = { transaction: false };

const uniqueKeys = (): Array<{ table: string; name: string; on: string }> => [
  { table: 'users', name: 'users_id_user_type_unique', on: 'users (id, user_type)' },
  ...PROFILES.map(([t]) => ({ table: t, name: `${t}_user_id_user_type_unique`, on: `${ident(t)} (user_id, user_type)` })),
  { table: 'payments', name: 'payments_id_payment_type_unique', on: 'payments (id, payment_type)' },
  { table: 'payments', name: 'payments_gateway_gateway_payment_id_unique', on: 'payments (gateway, gateway_payment_id)' },
  { table: 'users', name: 'users_email_unique', on: 'users (email)' },
];

const PLAIN_INDEXES: ReadonlyArray<readonly [string, string]> = [
  ['jobs_search_gin', 'jobs USING gin (job_search_document(title, description))'],
  ['notifications_unread_index', 'notifications (user_id, created_at DESC) WHERE read_at IS NULL'],
  ['application_status_history_from_status_to_status_index', 'application_status_history (from_status, to_status)'],
];

/** Every constraint 0017-0021 add NOT VALID, as (table, constraint). */
function notValidConstraints(): Array<readonly [string, string]> {
  return [
    ['applications', 'applications_stage_matches_status_check'],
    ['application_status_history', 'application_status_history_starts_at_initial_check'],
    ['application_status_history', 'application_status_history_transition_foreign'],
    ['application_status_history', 'application_status_history_application_id_foreign'],
    ...PROFILES.map(([t]) => [t, `${t}_user_type_constant_check`] as const),
    ...PAID_ROWS.flatMap((p) => [[p.table, `${p.table}_payment_type_constant_check`] as const, ...p.cascades.map(([c]) => [p.table, `${p.table}_${c}_foreign`] as const)]),
    ['jobs', 'jobs_filled_at_iff_filled_check'],
    ['webinar_registrations', 'webinar_registrations_cancelled_at_when_cancelled_check'],
    ['lesson_progress', 'lesson_progress_completed_after_started_check'],
    ['enrollments', 'enrollments_completed_after_enrolled_check'],
    ['users', 'users_email_lowercase_check'],
    ...PROFILES.map(([t]) => [t, `${t}_user_id_user_type_foreign`] as const),
    ...PAID_ROWS.map((p) => [p.table, `${p.table}_payment_id_payment_type_foreign`] as const),
  ];
}

async function sharedPayments(knex: Knex, table: string): Promise<number> {
  const r = (await knex.raw(`SELECT count(*)::int AS n FROM (SELECT payment_id FROM ${ident(table)} WHERE payment_id IS NOT NULL GROUP BY payment_id HAVING count(*) > 1) d`)) as { rows: Array<{ n: number }> };
  return r.rows[0].n;
}

export async function up(knex: Knex): Promise<void> {
  for (const k of uniqueKeys()) await createIndexConcurrently(knex, k.name, k.on, { unique: true });
  for (const p of PAID_ROWS) {
    const shared = await sharedPayments(knex, p.table);
    if (shared === 0) {
      await createIndexConcurrently(knex, `${p.table}_payment_id_payment_type_unique`, `${ident(p.table)} (payment_id, payment_type)`, { unique: true });
    } else {
      const name = `${p.table}_payment_id_payment_type_index`;
      await createIndexConcurrently(knex, name, `${ident(p.table)} (payment_id, payment_type)`);
      await knex.raw(`COMMENT ON INDEX ${ident(name)} IS ${literal(`${NOT_VALID_MARKER} ${shared} payment(s) are linked to more than one ${p.table} row (written before this rule): one payment per row is not enforced until they are fixed and the index rebuilt unique`)}`);
    }
  }
  for (const [name, on] of PLAIN_INDEXES) await createIndexConcurrently(knex, name, on);

  for (const k of uniqueKeys()) await addConstraint(knex, k.table, k.name, `UNIQUE USING INDEX ${ident(k.name)}`);
  for (const p of PAID_ROWS) {
    const name = `${p.table}_payment_id_payment_type_unique`;
    if ((await knex.raw(`SELECT to_regclass(?) IS NOT NULL AS ok`, [`public.${name}`])).rows[0].ok) await addConstraint(knex, p.table, name, `UNIQUE USING INDEX ${ident(name)}`);
  }
  for (const [t] of PROFILES) {
    await addConstraint(knex, t, `${t}_user_id_user_type_foreign`, 'FOREIGN KEY (user_id, user_type) REFERENCES users (id, user_type) ON DELETE CASCADE NOT VALID');
  }
  for (const p of PAID_ROWS) {
    await addConstraint(knex, p.table, `${p.table}_payment_id_payment_type_foreign`, 'FOREIGN KEY (payment_id, payment_type) REFERENCES payments (id, payment_type) ON DELETE RESTRICT NOT VALID');
  }

  for (const [table, constraint] of notValidConstraints()) {
    const r = (await knex.raw(`SELECT convalidated AS ok FROM pg_constraint WHERE conrelid = ?::regclass AND conname = ?`, [`public.${table}`, constraint])) as { rows: Array<{ ok: boolean }> };
    if (r.rows[0] && !r.rows[0].ok) await validateOrReport(knex, table, constraint);
  }

  for (const [t] of PROFILES) {
    await dropConstraint(knex, t, `${t}_user_id_foreign`);
    await dropConstraint(knex, t, `${t}_user_id_unique`);
  }
  for (const p of PAID_ROWS) {
    await dropConstraint(knex, p.table, `${p.table}_payment_id_foreign`);
    await dropIndexConcurrently(knex, `${p.table}_payment_id_index`);
  }
  await dropConstraint(knex, 'payments', 'payments_gateway_payment_id_unique');
  await dropIndexConcurrently(knex, 'users_email_lower_unique');
}

/** Re-adds a foreign key of the first release, validated (as it was). */
async function restoreForeignKey(knex: Knex, table: string, name: string, definition: string): Promise<void> {
  if (await constraintExists(knex, table, name)) return;
  await knex.raw(`ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(name)} ${definition} NOT VALID`);
  await knex.raw(`ALTER TABLE ${ident(table)} VALIDATE CONSTRAINT ${ident(name)}`);
}

export async function down(knex: Knex): Promise<void> {
  // The first release's keys and indexes back first, so nothing is unguarded in between.
  await createIndexConcurrently(knex, 'users_email_lower_unique', 'users (lower(email))', { unique: true });
  await createIndexConcurrently(knex, 'payments_gateway_payment_id_unique', 'payments (gateway_payment_id)', { unique: true });
  await addConstraint(knex, 'payments', 'payments_gateway_payment_id_unique', 'UNIQUE USING INDEX payments_gateway_payment_id_unique');
  for (const p of PAID_ROWS) {
    await createIndexConcurrently(knex, `${p.table}_payment_id_index`, `${ident(p.table)} (payment_id)`);
    await restoreForeignKey(knex, p.table, `${p.table}_payment_id_foreign`, 'FOREIGN KEY (payment_id) REFERENCES payments (id) ON DELETE RESTRICT');
  }
  for (const [t] of PROFILES) {
    await createIndexConcurrently(knex, `${t}_user_id_unique`, `${ident(t)} (user_id)`, { unique: true });
    await addConstraint(knex, t, `${t}_user_id_unique`, `UNIQUE USING INDEX ${ident(`${t}_user_id_unique`)}`);
    await restoreForeignKey(knex, t, `${t}_user_id_foreign`, 'FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE');
  }

  for (const p of PAID_ROWS) {
    await dropConstraint(knex, p.table, `${p.table}_payment_id_payment_type_foreign`);
    await dropConstraint(knex, p.table, `${p.table}_payment_id_payment_type_unique`);
    await dropIndexConcurrently(knex, `${p.table}_payment_id_payment_type_unique`);
    await dropIndexConcurrently(knex, `${p.table}_payment_id_payment_type_index`);
  }
  for (const [t] of PROFILES) await dropConstraint(knex, t, `${t}_user_id_user_type_foreign`);
  for (const k of [...uniqueKeys()].reverse()) {
    await dropConstraint(knex, k.table, k.name);
    await dropIndexConcurrently(knex, k.name);
  }
  for (const [name] of [...PLAIN_INDEXES].reverse()) await dropIndexConcurrently(knex, name);
}
