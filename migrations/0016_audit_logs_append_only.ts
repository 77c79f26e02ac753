import type { Knex } from 'knex';
import { addAppendOnlyGuard, dropAppendOnlyGuard } from '../src/stores/postgres/ddl';

/**
 * The audit log is evidence: once written, a row is neither edited nor deleted (SQLSTATE 23001).
 * The one change allowed is the user_id foreign key's ON DELETE SET NULL, so users can still be
 * deleted and their audit rows outlive them.
 */
const GUARD = { table: 'audit_logs', name: 'audit_logs_append_only', setNullColumns: ['user_id'] } as const;

export async function up(knex: Knex): Promise<void> {
  await addAppendOnlyGuard(knex, GUARD);
}

export async function down(knex: Knex): Promise<void> {
  await dropAppendOnlyGuard(knex, GUARD);
}
