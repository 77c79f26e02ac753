import type { Knex } from 'knex';
import { createTable, dropTables } from '../src/stores/postgres/ddl';

/**
 * System: key/value settings (value is a JSON document) and the security audit log.
 * Audit rows outlive their actor: user_id is ON DELETE SET NULL, nothing cascades into audit_logs.
 */
const TABLES = ['system_settings', 'audit_logs'] as const;

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'system_settings', (k, t) => {
    k.name('key');
    t.unique(['key']);
    k.check('key_format', `key ~ '^[a-z0-9_]+([.][a-z0-9_]+)*$'`);
    k.document('value', 'any');
    k.text('description', { nullable: true });
    t.boolean('is_public').notNullable().defaultTo(false);
    k.fk('updated_by', 'users', 'SET NULL');
  });

  await createTable(knex, 'audit_logs', (k, t) => {
    k.fk('user_id', 'users', 'SET NULL');
    k.name('action');
    k.name('entity_type');
    t.uuid('entity_id');
    k.document('before', 'any', { nullable: true });
    k.document('after', 'any', { nullable: true });
    t.specificType('ip_address', 'inet');
    k.text('user_agent', { nullable: true });
    t.index(['entity_type', 'entity_id']);
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropTables(knex, [...TABLES].reverse());
}
