import type { Knex } from 'knex';
import { addAppendOnlyGuard, createTable, dropAppendOnlyGuard, literal } from '../src/stores/postgres/ddl';

/**
 * audit_logs, second release (issue 14): evidence that outlives its actor, and retention without
 * TRUNCATE.
 *
 * - Only the foreign key's own ON DELETE SET NULL may clear user_id (the append-only guard now
 *   also requires trigger depth 2: the referential trigger's UPDATE; an UPDATE by hand is depth 1
 *   and is refused with 23001 like any other).
 * - actor_id and actor_email are plain columns (no foreign key), filled from user_id on INSERT, so
 *   a deleted user's actions stay attributable after user_id is cleared. actor_id = user_id while
 *   user_id is set (audit_logs_actor_is_user_check).
 * - Monthly range partitions on created_at (audit_logs_yYYYYmMM) plus audit_logs_default for rows
 *   of months without one (a fresh database has only the default; the seeder's rows go there);
 *   a BRIN index on created_at replaces the btree. The primary key is (id, created_at): a
 *   partitioned table's keys include the partition key.
 * - Retention, as SQL functions (documented in docs/schema-release-2.md):
 *     SELECT * FROM audit_logs_create_partitions(from, to); -- months from..to, moving their rows
 *                                                           -- out of the default partition
 *     SELECT * FROM audit_logs_drop_partitions(before);      -- drops months that end by `before`
 *   Run the first ahead of time (e.g. monthly for the next months), the second for retention.
 *
 * Conversion: the first release's table is renamed aside, a partitioned one created, a month
 * created for each month its rows span, the rows copied (actor from the user, where it still
 * exists), the old table dropped. This copies under an exclusive lock: on a very large audit log,
 * run it in a quiet hour. Rollback rebuilds the first release's table (0015 + 0016, the same helper
 * calls) and copies the rows back (actor columns dropped).
 */

const COLUMNS = 'id, user_id, action, entity_type, entity_id, before, after, ip_address, user_agent, created_at, updated_at';
const FIRST_RELEASE_INDEXES = ['audit_logs_pkey', 'audit_logs_user_id_index', 'audit_logs_entity_type_entity_id_index', 'audit_logs_created_at_index'];
const INDEXES = ['audit_logs_pkey', 'audit_logs_user_id_index', 'audit_logs_entity_type_entity_id_index', 'audit_logs_created_at_brin'];
const GUARD = { table: 'audit_logs', name: 'audit_logs_append_only', setNullColumns: ['user_id'] } as const;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE audit_logs RENAME TO audit_logs_first_release`);
  for (const i of FIRST_RELEASE_INDEXES) await knex.raw(`ALTER INDEX ${i} RENAME TO ${i.replace('audit_logs_', 'audit_logs_first_release_')}`);

  await knex.raw(`
    CREATE TABLE audit_logs (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      user_id uuid,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id uuid,
      before jsonb,
      after jsonb,
      ip_address inet,
      user_agent text,
      created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
      updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
      actor_id uuid,
      actor_email text,
      CONSTRAINT audit_logs_pkey PRIMARY KEY (id, created_at),
      CONSTRAINT audit_logs_action_not_blank_check CHECK (btrim(action) <> ''),
      CONSTRAINT audit_logs_entity_type_not_blank_check CHECK (btrim(entity_type) <> ''),
      CONSTRAINT audit_logs_actor_is_user_check CHECK (user_id IS NULL OR actor_id = user_id),
      CONSTRAINT audit_logs_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL
    ) PARTITION BY RANGE (created_at)`);
  await knex.raw(`CREATE TABLE audit_logs_default PARTITION OF audit_logs DEFAULT`);
  await knex.raw(`CREATE INDEX audit_logs_user_id_index ON audit_logs (user_id)`);
  await knex.raw(`CREATE INDEX audit_logs_entity_type_entity_id_index ON audit_logs (entity_type, entity_id)`);
  await knex.raw(`CREATE INDEX audit_logs_created_at_brin ON audit_logs USING brin (created_at)`);
  await knex.raw(`CREATE TRIGGER audit_logs_set_updated_at BEFORE UPDATE ON audit_logs FOR EACH ROW EXECUTE FUNCTION recruit_set_updated_at()`);

  await knex.raw(`
    CREATE FUNCTION audit_logs_actor() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      IF NEW.user_id IS NOT NULL THEN
        NEW.actor_id := coalesce(NEW.actor_id, NEW.user_id);
        IF NEW.actor_email IS NULL THEN
          SELECT u.email INTO NEW.actor_email FROM users u WHERE u.id = NEW.user_id;
        END IF;
      END IF;
      RETURN NEW;
    END
    $fn$`);
  await knex.raw(`CREATE TRIGGER audit_logs_actor BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION audit_logs_actor()`);

  await knex.raw(`
    CREATE FUNCTION audit_logs_create_partitions(from_time timestamptz, to_time timestamptz) RETURNS SETOF text
    LANGUAGE plpgsql AS $fn$
    DECLARE
      m timestamp;
      part text;
      lo timestamptz;
      hi timestamptz;
      moving boolean;
    BEGIN
      FOR m IN SELECT generate_series(date_trunc('month', from_time AT TIME ZONE 'UTC'), date_trunc('month', to_time AT TIME ZONE 'UTC'), interval '1 month') LOOP
        part := 'audit_logs_' || to_char(m, '"y"YYYY"m"MM');
        CONTINUE WHEN to_regclass('public.' || part) IS NOT NULL;
        lo := m AT TIME ZONE 'UTC';
        hi := (m + interval '1 month') AT TIME ZONE 'UTC';
        moving := EXISTS (SELECT 1 FROM audit_logs_default WHERE created_at >= lo AND created_at < hi);
        IF moving THEN
          -- A detached partition loses the parent's triggers, so its rows of the month can move.
          ALTER TABLE audit_logs DETACH PARTITION audit_logs_default;
        END IF;
        EXECUTE format('CREATE TABLE %I PARTITION OF audit_logs FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
        IF moving THEN
          INSERT INTO audit_logs SELECT * FROM audit_logs_default WHERE created_at >= lo AND created_at < hi;
          DELETE FROM audit_logs_default WHERE created_at >= lo AND created_at < hi;
          ALTER TABLE audit_logs ATTACH PARTITION audit_logs_default DEFAULT;
        END IF;
        RETURN NEXT part;
      END LOOP;
    END
    $fn$`);
  await knex.raw(
    `COMMENT ON FUNCTION audit_logs_create_partitions(timestamptz, timestamptz) IS 'Creates the monthly audit_logs partitions (UTC months) from from_time to to_time that do not exist yet, moving their rows out of audit_logs_default; returns the partitions created. Run it ahead of time, e.g. monthly.'`,
  );
  await knex.raw(`
    CREATE FUNCTION audit_logs_drop_partitions(older_than timestamptz) RETURNS SETOF text
    LANGUAGE plpgsql AS $fn$
    DECLARE
      part text;
    BEGIN
      FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'audit_logs'::regclass AND c.relname ~ '^audit_logs_y[0-9]{4}m[0-9]{2}$'
           AND (to_date(substr(c.relname, 13, 4) || substr(c.relname, 18, 2), 'YYYYMM') + interval '1 month') AT TIME ZONE 'UTC' <= older_than
         ORDER BY c.relname
      LOOP
        EXECUTE format('DROP TABLE %I', part);
        RETURN NEXT part;
      END LOOP;
    END
    $fn$`);
  await knex.raw(
    `COMMENT ON FUNCTION audit_logs_drop_partitions(timestamptz) IS 'Retention: drops the monthly audit_logs partitions whose month ends by older_than (rows of months without a partition sit in audit_logs_default: split them out first with audit_logs_create_partitions); returns the partitions dropped.'`,
  );

  // Keep the first release's rows: a month for each month they span, then the copy.
  await knex.raw(`SELECT count(*) FROM (SELECT audit_logs_create_partitions(min(created_at), max(created_at)) FROM audit_logs_first_release HAVING count(*) > 0) AS made`);
  await knex.raw(`
    INSERT INTO audit_logs (${COLUMNS}, actor_id, actor_email)
    SELECT ${COLUMNS.split(', ').map((c) => `o.${c}`).join(', ')}, o.user_id, u.email
      FROM audit_logs_first_release o LEFT JOIN users u ON u.id = o.user_id`);
  await knex.raw(`DROP TABLE audit_logs_first_release`);
  await knex.raw(`DROP FUNCTION audit_logs_append_only()`);
  await addAppendOnlyGuard(knex, { ...GUARD, onlyFromForeignKey: true });

  await knex.raw(
    `COMMENT ON TABLE audit_logs IS ${literal(
      'Security audit, append-only (UPDATE/DELETE refused with 23001; only the user_id foreign key may clear user_id). Monthly range partitions on created_at (audit_logs_yYYYYmMM, else audit_logs_default); retention: audit_logs_drop_partitions(older_than), months ahead: audit_logs_create_partitions(from, to).',
    )}`,
  );
  await knex.raw(`COMMENT ON COLUMN audit_logs.actor_id IS 'Who acted (users.id), kept when the user is deleted and user_id is cleared. Filled from user_id on INSERT.'`);
  await knex.raw(`COMMENT ON COLUMN audit_logs.actor_email IS 'The actor''s e-mail when the row was written (users.email), kept when the user is deleted.'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE audit_logs RENAME TO audit_logs_partitioned`);
  for (const i of INDEXES) await knex.raw(`ALTER INDEX ${i} RENAME TO ${i.replace('audit_logs_', 'audit_logs_partitioned_')}`);
  await dropAppendOnlyGuard(knex, { table: 'audit_logs_partitioned', name: GUARD.name });

  // The first release's table, exactly as 0015 and 0016 built it.
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
  await addAppendOnlyGuard(knex, GUARD);
  await knex.raw(`INSERT INTO audit_logs (${COLUMNS}) SELECT ${COLUMNS} FROM audit_logs_partitioned`);

  await knex.raw(`DROP TABLE audit_logs_partitioned`);
  await knex.raw(`DROP FUNCTION audit_logs_drop_partitions(timestamptz)`);
  await knex.raw(`DROP FUNCTION audit_logs_create_partitions(timestamptz, timestamptz)`);
  await knex.raw(`DROP FUNCTION audit_logs_actor()`);
}
