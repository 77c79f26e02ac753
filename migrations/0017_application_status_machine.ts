import type { Knex } from 'knex';
import { changeForeignKeyAction, ident, literal } from '../src/stores/postgres/ddl';

/**
 * The application state machine, enforced by the database (issue 14).
 *
 * The graph: recruit_db_application_transitions holds the allowed (from_status, to_status) edges,
 * a snapshot of APPLICATION_TRANSITIONS in seeds/domain.ts as of this migration (the seeded data
 * has always followed it; tests/unit/pg-domain-snapshot.test.ts fails if the two drift apart, and
 * a change of the graph is a new migration). Every application starts at pending_admin_review; the
 * graph is acyclic (a funnel), which the history check below relies on.
 *
 *   pending_admin_review -> admin_shortlisted | rejected_by_admin | withdrawn
 *   admin_shortlisted    -> forwarded_to_company | rejected_by_admin | withdrawn
 *   forwarded_to_company -> under_company_review | rejected_by_company | withdrawn
 *   under_company_review -> interview_scheduled | rejected_by_company | withdrawn
 *   interview_scheduled  -> interview_completed | rejected_by_company | withdrawn
 *   interview_completed  -> offer_extended | rejected_by_company | withdrawn
 *   offer_extended       -> offer_accepted | offer_rejected | withdrawn
 *   offer_accepted       -> hired | withdrawn
 *   (rejected_by_admin, offer_rejected, hired, rejected_by_company, withdrawn are terminal)
 *
 * The stage: applications.stage is a function of status (application_stage(), the candidateStage
 * mapping of seeds/domain.ts), checked by applications_stage_matches_status_check; an UPDATE that
 * changes status and leaves stage alone gets the matching stage.
 *
 * Changing status (UPDATE): an edge not in the graph is refused (SQLSTATE 23514, constraint
 * applications_status_transition, the allowed targets in the HINT); an allowed one writes its
 * application_status_history row, the actor taken from the session setting the application sets:
 *   BEGIN; SET LOCAL recruit_db.actor_id = '<users.id>'; SET LOCAL recruit_db.note = '...';
 *   UPDATE applications SET status = 'admin_shortlisted' WHERE id = ...; COMMIT;
 *
 * Inserting (the INSERT path, bulk loads included): an application may arrive in any status as long
 * as, by COMMIT, its history is a valid walk from pending_admin_review to that status. Row triggers
 * on applications and on the history note each application touched (recruit_db_application_checks,
 * once per application), and a deferred constraint trigger checks each at COMMIT
 * (applications_history_problem: one start, each step an edge
 * of the graph (the history's foreign key to the transitions), no status entered or left twice,
 * steps in time order, ending in the current status); an application inserted without any history
 * in the initial status gets its first row written then. So the seeder's COPY of applications in
 * their final status followed by a COPY of their history rows stays possible, and is still checked.
 *
 * Existing rows: stage is set from status where it disagreed (the documented rule above); an
 * application without any history (the first release wrote none) gets the shortest walk to its
 * status, marked "reconstructed by 0017" with no actor and its applied_at as time. Constraints are
 * added NOT VALID and validated by 0021 (or reported, see validateOrReport). History rows are never
 * cascaded away: application_status_history.application_id becomes ON DELETE RESTRICT.
 */

export const INITIAL_STATUS = 'pending_admin_review';

export const TRANSITIONS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['pending_admin_review', ['admin_shortlisted', 'rejected_by_admin', 'withdrawn']],
  ['admin_shortlisted', ['forwarded_to_company', 'rejected_by_admin', 'withdrawn']],
  ['forwarded_to_company', ['under_company_review', 'rejected_by_company', 'withdrawn']],
  ['under_company_review', ['interview_scheduled', 'rejected_by_company', 'withdrawn']],
  ['interview_scheduled', ['interview_completed', 'rejected_by_company', 'withdrawn']],
  ['interview_completed', ['offer_extended', 'rejected_by_company', 'withdrawn']],
  ['offer_extended', ['offer_accepted', 'offer_rejected', 'withdrawn']],
  ['offer_accepted', ['hired', 'withdrawn']],
];

export const STAGE_OF: Readonly<Record<string, string>> = {
  pending_admin_review: 'new_candidates',
  admin_shortlisted: 'new_candidates',
  forwarded_to_company: 'new_candidates',
  under_company_review: 'under_review',
  interview_scheduled: 'interviewing',
  interview_completed: 'interviewing',
  offer_extended: 'offer_extended',
  offer_accepted: 'offer_extended',
  hired: 'hired',
  offer_rejected: 'rejected',
  rejected_by_admin: 'rejected',
  rejected_by_company: 'rejected',
  withdrawn: 'rejected',
};

const TABLE = 'recruit_db_application_transitions';
const CHECKS = 'recruit_db_application_checks';
const RECONSTRUCTED = 'reconstructed by migration 0017: the first release kept no status history';

/** The shortest walk from the initial status to each status (breadth first over the graph). */
export function shortestWalks(): Map<string, string[]> {
  const next = new Map(TRANSITIONS.map(([f, t]) => [f, t]));
  const walks = new Map<string, string[]>([[INITIAL_STATUS, [INITIAL_STATUS]]]);
  const queue = [INITIAL_STATUS];
  while (queue.length) {
    const s = queue.shift()!;
    for (const t of next.get(s) ?? []) {
      if (walks.has(t)) continue;
      walks.set(t, [...walks.get(s)!, t]);
      queue.push(t);
    }
  }
  return walks;
}

function assertAcyclic(): void {
  const next = new Map(TRANSITIONS.map(([f, t]) => [f, t]));
  const visit = (s: string, path: string[]): void => {
    if (path.includes(s)) throw new Error(`the application status graph has a cycle: ${[...path, s].join(' -> ')}`);
    for (const t of next.get(s) ?? []) visit(t, [...path, s]);
  };
  visit(INITIAL_STATUS, []);
}

const stageCase = (col: string) =>
  `CASE ${col} ${Object.entries(STAGE_OF).map(([s, st]) => `WHEN ${literal(s)} THEN ${literal(st)}`).join(' ')} END::candidate_stage`;

export async function up(knex: Knex): Promise<void> {
  assertAcyclic();
  const edges = TRANSITIONS.flatMap(([from, tos]) => tos.map((to) => `(${literal(from)}, ${literal(to)})`));

  await knex.raw(`
    CREATE TABLE ${ident(TABLE)} (
      from_status application_status NOT NULL,
      to_status application_status NOT NULL,
      CONSTRAINT ${ident(`${TABLE}_pkey`)} PRIMARY KEY (from_status, to_status),
      CONSTRAINT ${ident(`${TABLE}_changes_status_check`)} CHECK (from_status <> to_status)
    )`);
  await knex.raw(`INSERT INTO ${ident(TABLE)} (from_status, to_status) VALUES ${edges.join(', ')}`);
  await knex.raw(
    `COMMENT ON TABLE ${ident(TABLE)} IS ${literal(`The application status state machine: every allowed (from_status, to_status) change. Every application starts at ${INITIAL_STATUS}. A snapshot of APPLICATION_TRANSITIONS (seeds/domain.ts) taken by migration 0017; change it with a new migration.`)}`,
  );

  await knex.raw(`
    CREATE FUNCTION application_stage(status application_status) RETURNS candidate_stage
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$ SELECT ${stageCase('status')} $fn$`);
  await knex.raw(`COMMENT ON FUNCTION application_stage(application_status) IS 'The company-side pipeline stage shown for an admin-side application status (candidateStage in seeds/domain.ts).'`);

  // Existing rows first (before the triggers below exist): stage follows status, history exists.
  await knex.raw(`UPDATE applications SET stage = application_stage(status) WHERE stage IS DISTINCT FROM application_stage(status)`);
  const walks = [...shortestWalks()].flatMap(([status, walk]) =>
    walk.map((to, k) => `(${literal(status)}::application_status, ${k === 0 ? 'NULL' : `${literal(walk[k - 1])}::application_status`}, ${literal(to)}::application_status)`),
  );
  await knex.raw(`
    INSERT INTO application_status_history (application_id, from_status, to_status, note, changed_at)
    SELECT a.id, w.from_status, w.to_status, ${literal(RECONSTRUCTED)}, a.applied_at
      FROM applications a
      JOIN (VALUES ${walks.join(', ')}) AS w(status, from_status, to_status) ON w.status = a.status
     WHERE NOT EXISTS (SELECT 1 FROM application_status_history h WHERE h.application_id = a.id)`);

  await knex.raw(`ALTER TABLE applications ADD CONSTRAINT applications_stage_matches_status_check CHECK (stage = application_stage(status)) NOT VALID`);
  await knex.raw(
    `ALTER TABLE application_status_history ADD CONSTRAINT application_status_history_starts_at_initial_check CHECK (from_status IS NOT NULL OR to_status = ${literal(INITIAL_STATUS)}) NOT VALID`,
  );
  await knex.raw(
    `ALTER TABLE application_status_history ADD CONSTRAINT application_status_history_transition_foreign FOREIGN KEY (from_status, to_status) REFERENCES ${ident(TABLE)} (from_status, to_status) ON DELETE RESTRICT NOT VALID`,
  );
  await changeForeignKeyAction(knex, 'application_status_history', 'application_id', 'applications', 'RESTRICT');

  await knex.raw(`
    CREATE FUNCTION applications_history_problem(app uuid) RETURNS text
    LANGUAGE sql STABLE AS $fn$
      WITH h AS (SELECT from_status, to_status, changed_at FROM application_status_history WHERE application_id = app),
           a AS (SELECT status FROM applications WHERE id = app)
      SELECT CASE
        WHEN NOT EXISTS (SELECT 1 FROM h) THEN 'has no status history'
        WHEN (SELECT count(*) FROM h WHERE from_status IS NULL) <> 1 THEN 'history must start exactly once, at ${INITIAL_STATUS}'
        WHEN (SELECT count(*) FROM h) <> (SELECT count(DISTINCT to_status) FROM h) THEN 'history enters a status twice'
        WHEN (SELECT count(from_status) FROM h) <> (SELECT count(DISTINCT from_status) FROM h) THEN 'history leaves a status twice'
        WHEN EXISTS (SELECT 1 FROM h x WHERE x.from_status IS NOT NULL AND NOT EXISTS (SELECT 1 FROM h p WHERE p.to_status = x.from_status))
          THEN 'history leaves a status it never entered'
        WHEN EXISTS (SELECT 1 FROM h x JOIN h p ON p.to_status = x.from_status WHERE x.changed_at < p.changed_at) THEN 'history steps are out of time order'
        WHEN NOT EXISTS (SELECT 1 FROM h, a WHERE h.to_status = a.status AND NOT EXISTS (SELECT 1 FROM h n WHERE n.from_status = a.status))
          THEN 'history does not end in the current status ' || (SELECT status FROM a)
      END
    $fn$`);
  await knex.raw(`COMMENT ON FUNCTION applications_history_problem(uuid) IS 'Why an application''s status history is not a walk of the state machine from its start to its current status, or NULL when it is.'`);

  await knex.raw(`
    CREATE FUNCTION applications_status_transition() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM ${ident(TABLE)} t WHERE t.from_status = OLD.status AND t.to_status = NEW.status) THEN
        RAISE EXCEPTION 'application % cannot change status from % to %', OLD.id, OLD.status, NEW.status
          USING ERRCODE = 'check_violation', CONSTRAINT = 'applications_status_transition', TABLE = 'applications',
                HINT = 'allowed from ' || OLD.status || ': ' || coalesce((SELECT string_agg(t.to_status::text, ', ' ORDER BY t.to_status) FROM ${ident(TABLE)} t WHERE t.from_status = OLD.status), 'nothing (a final status)');
      END IF;
      IF NEW.stage IS NOT DISTINCT FROM OLD.stage THEN
        NEW.stage := application_stage(NEW.status);
      END IF;
      RETURN NEW;
    END
    $fn$`);
  await knex.raw(
    `CREATE TRIGGER applications_status_transition BEFORE UPDATE OF status ON applications FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION applications_status_transition()`,
  );

  await knex.raw(`
    CREATE FUNCTION applications_status_history() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    DECLARE
      actor uuid := nullif(current_setting('recruit_db.actor_id', true), '')::uuid;
      note text := nullif(current_setting('recruit_db.note', true), '');
    BEGIN
      -- Inserted and moved on in one transaction: its first row comes first.
      IF NOT EXISTS (SELECT 1 FROM application_status_history h WHERE h.application_id = NEW.id) THEN
        INSERT INTO application_status_history (application_id, from_status, to_status, changed_by, changed_at)
        VALUES (NEW.id, NULL, OLD.status, actor, NEW.applied_at);
      END IF;
      INSERT INTO application_status_history (application_id, from_status, to_status, changed_by, note, changed_at)
      VALUES (NEW.id, OLD.status, NEW.status, actor, note, now());
      RETURN NULL;
    END
    $fn$`);
  await knex.raw(
    `CREATE TRIGGER applications_status_history AFTER UPDATE OF status ON applications FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION applications_status_history()`,
  );

  // Which applications this transaction touched, checked once each at COMMIT. A queue table (empty
  // outside a transaction) rather than deferred triggers on applications and the history: pending
  // deferred events on a table forbid CREATE INDEX / ALTER TABLE on it until COMMIT, and the seeder
  // re-creates those tables' indexes and foreign keys after its load, in the same transaction.
  await knex.raw(`CREATE TABLE ${ident(CHECKS)} (application_id uuid NOT NULL, CONSTRAINT ${ident(`${CHECKS}_pkey`)} PRIMARY KEY (application_id))`);
  await knex.raw(`COMMENT ON TABLE ${ident(CHECKS)} IS 'Applications whose status history is checked at COMMIT (applications_history_check); always empty outside a transaction.'`);
  await knex.raw(`
    CREATE FUNCTION applications_history_enqueue() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    DECLARE
      app uuid;
    BEGIN
      IF TG_TABLE_NAME = 'applications' THEN
        app := NEW.id;
      ELSIF TG_OP = 'DELETE' THEN
        app := OLD.application_id;
      ELSE
        app := NEW.application_id;
      END IF;
      INSERT INTO ${ident(CHECKS)} (application_id) VALUES (app) ON CONFLICT DO NOTHING;
      RETURN NULL;
    END
    $fn$`);
  // Named to fire after applications_status_history (AFTER triggers run in name order), so even
  // under SET CONSTRAINTS ALL IMMEDIATE the check sees the history row of the change.
  await knex.raw(`CREATE TRIGGER applications_status_history_queue AFTER INSERT OR UPDATE ON applications FOR EACH ROW EXECUTE FUNCTION applications_history_enqueue()`);
  await knex.raw(
    `CREATE TRIGGER application_status_history_queue AFTER INSERT OR UPDATE OR DELETE ON application_status_history FOR EACH ROW EXECUTE FUNCTION applications_history_enqueue()`,
  );

  await knex.raw(`
    CREATE FUNCTION applications_history_check() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    DECLARE
      app uuid := NEW.application_id;
      status application_status;
      problem text;
    BEGIN
      DELETE FROM ${ident(CHECKS)} WHERE application_id = app;
      SELECT a.status INTO status FROM applications a WHERE a.id = app;
      IF NOT FOUND THEN
        RETURN NULL; -- deleted since: the history's foreign key speaks for it
      END IF;
      -- Inserted in the initial status without a history: its first row is written now.
      IF status = ${literal(INITIAL_STATUS)} AND NOT EXISTS (SELECT 1 FROM application_status_history h WHERE h.application_id = app) THEN
        INSERT INTO application_status_history (application_id, from_status, to_status, changed_by, note, changed_at)
        SELECT a.id, NULL, a.status, nullif(current_setting('recruit_db.actor_id', true), '')::uuid, nullif(current_setting('recruit_db.note', true), ''), a.applied_at
          FROM applications a WHERE a.id = app;
        DELETE FROM ${ident(CHECKS)} WHERE application_id = app;
      END IF;
      problem := applications_history_problem(app);
      IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'application %: %', app, problem
          USING ERRCODE = 'check_violation', CONSTRAINT = 'applications_status_history_chain', TABLE = 'applications',
                HINT = 'an application''s history must walk the state machine (recruit_db_application_transitions) from ${INITIAL_STATUS} to its status';
      END IF;
      RETURN NULL;
    END
    $fn$`);
  await knex.raw(
    `CREATE CONSTRAINT TRIGGER applications_status_history_chain AFTER INSERT ON ${ident(CHECKS)} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION applications_history_check()`,
  );
  await knex.raw(
    `COMMENT ON TABLE application_status_history IS ${literal('Status audit: one row per status change, written by the applications_status_history trigger (actor: SET LOCAL recruit_db.actor_id). Never cascaded away: application_id is ON DELETE RESTRICT. Checked at COMMIT to walk recruit_db_application_transitions from pending_admin_review to the current status.')}`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE ${ident(CHECKS)}`);
  await knex.raw(`DROP TRIGGER application_status_history_queue ON application_status_history`);
  await knex.raw(`DROP TRIGGER applications_status_history_queue ON applications`);
  await knex.raw(`DROP TRIGGER applications_status_history ON applications`);
  await knex.raw(`DROP TRIGGER applications_status_transition ON applications`);
  await knex.raw(`DROP FUNCTION applications_history_check()`);
  await knex.raw(`DROP FUNCTION applications_history_enqueue()`);
  await knex.raw(`DROP FUNCTION applications_status_history()`);
  await knex.raw(`DROP FUNCTION applications_status_transition()`);
  await knex.raw(`DROP FUNCTION applications_history_problem(uuid)`);
  await knex.raw(`COMMENT ON TABLE application_status_history IS NULL`);
  await changeForeignKeyAction(knex, 'application_status_history', 'application_id', 'applications', 'CASCADE');
  await knex.raw(`ALTER TABLE application_status_history VALIDATE CONSTRAINT application_status_history_application_id_foreign`);
  await knex.raw(`ALTER TABLE application_status_history DROP CONSTRAINT application_status_history_transition_foreign`);
  await knex.raw(`ALTER TABLE application_status_history DROP CONSTRAINT application_status_history_starts_at_initial_check`);
  await knex.raw(`ALTER TABLE applications DROP CONSTRAINT applications_stage_matches_status_check`);
  await knex.raw(`DELETE FROM application_status_history WHERE note = ${literal(RECONSTRUCTED)} AND changed_by IS NULL`);
  await knex.raw(`DROP FUNCTION application_stage(application_status)`);
  await knex.raw(`DROP TABLE ${ident(TABLE)}`);
}
