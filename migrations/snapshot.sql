-- recruit-db schema snapshot: what migrations/ produce on an empty PostgreSQL database, in one script.
-- Written by `recruit-db schema snapshot` (a pg_dump of a database migrated one migration at a time); do not edit.
-- `migrate` loads it in one transaction on an empty database when the header matches the migrations and the server;
-- otherwise it runs the migrations one by one. `recruit-db schema snapshot --check` fails when it is stale.
-- recruit-db-snapshot: {"format":1,"serverMajor":15,"extensions":["btree_gist"],"migrations":[["0001_extensions_and_enums.ts","527ac39b1fc92c07f6e42dbf5a456fde9ccecb25ccd58005c56cb59c960f4fab"],["0002_user_management.ts","6911f678d71a1a9d9c2f285f5b988aa30d23b6b8e21869a812ac2b84efab4a3e"],["0003_skills_categories.ts","4ac202424f3c170dd9fbbeb6243d215d2cd077c51361e946060982a21e613edb"],["0004_payments.ts","72df0beadea0847d5e357a851242238d6413629d799cec2666028a227b32b637"],["0005_courses.ts","cbed192300ff162fd236497ed4c98ca3428831918b215dbd3809436bc5a856a6"],["0006_assessments.ts","e6f9023393b8173f91eb947b2ba9483eba5e4ded38387714e2bb268a869af312"],["0007_materials.ts","6008042a5f0fc50fec14e84e818f2364e841c9221d673d5c95af1280b71c5e96"],["0008_webinars.ts","17a13aaa5b0f9d9896cc6064ca52ad643d17939f1e1685990ea5ffb095004ca8"],["0009_mentorship.ts","e5a0dc4391997cad97c0153006ca05eb6f216a4a3b4064a04038170ab10e7c0a"],["0010_jobs_applications.ts","7e0662c6b098851614e26dd28898d687c385e0ceef0814ab2b850eeb06633df4"],["0011_referrals_placements.ts","daae08ddb194439e23e5479c3748929434207b63745fa96f7f9ad904e702d0bc"],["0012_badges_portfolios.ts","86bd5bbc8250ebf3251d92d80f5ccb0d58de0df112328c7d68dfa572a7dff504"],["0013_company_candidate_billing.ts","ccffcb2a0139c1b82edf2b83052b99d9bb802b4bf048b3a7ddd2bae7e4c2d673"],["0014_vector_search.ts","cf3333f008f23dfbd6599bde1d897b05f00012c91d608c9b0fee1ead7b39ead4"],["0015_system.ts","d49bf66b39b66d0f1913b19605e9c8562ee1a0d8ce43b8776c68308fe161f8b7"],["0016_audit_logs_append_only.ts","dff08c34674bcd61f310e11832bd7d603603cc4ee496f0469a92ae1c5c92549d"],["0017_application_status_machine.ts","9e5bb35d9f857c51ccacd633ce0e6803e5f6ca0a5d88830141c078eba2ba372f"],["0018_paid_rows_and_profiles.ts","845521e8c08a09fe2102da676b68865e0307c7ca639409c2233c69e174c329d0"],["0019_audit_logs_partitioned.ts","5df37c71fd2e92aeb5bcb9812f9b85190a3d68df01773d659d252122643b0cc6"],["0020_smaller_rules.ts","ef23dd80ab0b3617ee104c3b2de993880b29f77956ba90b2945a9e100ee893ea"],["0021_keys_and_indexes.ts","a7bd8ba065e7a3ca970b3f03a932573ce5b1f351e8f01097653a443630da35fc"]]}
SET LOCAL client_encoding = 'UTF8';
SET LOCAL standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', true);
SET LOCAL check_function_bodies = false;
SET LOCAL xmloption = content;
SET LOCAL client_min_messages = warning;
SET LOCAL row_security = off;
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
COMMENT ON EXTENSION btree_gist IS 'recruit-db:installed-by-migration';
CREATE TYPE public.admin_role AS ENUM (
    'super_admin',
    'content_manager',
    'recruitment_manager',
    'finance_manager',
    'support_admin'
);
CREATE TYPE public.application_status AS ENUM (
    'pending_admin_review',
    'admin_shortlisted',
    'rejected_by_admin',
    'forwarded_to_company',
    'under_company_review',
    'interview_scheduled',
    'interview_completed',
    'offer_extended',
    'offer_accepted',
    'offer_rejected',
    'hired',
    'rejected_by_company',
    'withdrawn'
);
CREATE TYPE public.candidate_stage AS ENUM (
    'new_candidates',
    'under_review',
    'interviewing',
    'offer_extended',
    'hired',
    'rejected'
);
CREATE TYPE public.content_type AS ENUM (
    'video',
    'text',
    'pdf',
    'audio',
    'image',
    'quiz',
    'flashcard',
    'scorm_package',
    'external_link'
);
CREATE TYPE public.difficulty_level AS ENUM (
    'beginner',
    'intermediate',
    'advanced'
);
CREATE TYPE public.employment_type AS ENUM (
    'full_time',
    'part_time',
    'contract',
    'internship',
    'freelance'
);
CREATE TYPE public.enrollment_status AS ENUM (
    'in_progress',
    'completed',
    'dropped',
    'expired'
);
CREATE TYPE public.job_status AS ENUM (
    'draft',
    'active',
    'paused',
    'closed',
    'filled'
);
CREATE TYPE public.notification_type AS ENUM (
    'course_update',
    'job_match',
    'application_update',
    'webinar_reminder',
    'payment_confirmation',
    'mentor_session',
    'referral_update',
    'system_announcement'
);
CREATE TYPE public.payment_status AS ENUM (
    'pending',
    'completed',
    'failed',
    'refunded',
    'cancelled'
);
CREATE TYPE public.payment_type AS ENUM (
    'course_purchase',
    'webinar_purchase',
    'material_purchase',
    'mentor_session',
    'referral_package',
    'placement_package',
    'subscription',
    'company_candidate_fee'
);
COMMENT ON TYPE public.payment_type IS 'Which table a payment buys: course_purchase enrollments, webinar_purchase webinar_registrations, material_purchase material_downloads, mentor_session mentor_sessions, placement_package student_placements, company_candidate_fee company_candidate_billing (each row: payment_id, payment_type -> payments). subscription and referral_package buy no row: the contract has no subscriptions table and sells referrals inside placement packages.';
CREATE TYPE public.placement_status AS ENUM (
    'active',
    'completed',
    'expired',
    'cancelled'
);
CREATE TYPE public.pricing_model AS ENUM (
    'free',
    'one_time',
    'subscription'
);
CREATE TYPE public.question_type AS ENUM (
    'multiple_choice',
    'true_false',
    'short_answer',
    'multiple_select'
);
CREATE TYPE public.referral_status AS ENUM (
    'pending',
    'contacted',
    'interested',
    'not_interested',
    'converted'
);
CREATE TYPE public.registration_status AS ENUM (
    'registered',
    'attended',
    'cancelled',
    'no_show'
);
CREATE TYPE public.remote_type AS ENUM (
    'remote',
    'on_site',
    'hybrid'
);
CREATE TYPE public.session_status AS ENUM (
    'scheduled',
    'completed',
    'cancelled',
    'no_show',
    'rescheduled'
);
CREATE TYPE public.user_status AS ENUM (
    'active',
    'inactive',
    'suspended',
    'pending_verification'
);
CREATE TYPE public.user_type AS ENUM (
    'student',
    'company',
    'admin',
    'instructor',
    'mentor'
);
CREATE TYPE public.webinar_status AS ENUM (
    'scheduled',
    'live',
    'completed',
    'cancelled'
);
CREATE FUNCTION public.application_stage(status public.application_status) RETURNS public.candidate_stage
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE status WHEN 'pending_admin_review' THEN 'new_candidates' WHEN 'admin_shortlisted' THEN 'new_candidates' WHEN 'forwarded_to_company' THEN 'new_candidates' WHEN 'under_company_review' THEN 'under_review' WHEN 'interview_scheduled' THEN 'interviewing' WHEN 'interview_completed' THEN 'interviewing' WHEN 'offer_extended' THEN 'offer_extended' WHEN 'offer_accepted' THEN 'offer_extended' WHEN 'hired' THEN 'hired' WHEN 'offer_rejected' THEN 'rejected' WHEN 'rejected_by_admin' THEN 'rejected' WHEN 'rejected_by_company' THEN 'rejected' WHEN 'withdrawn' THEN 'rejected' END::candidate_stage $$;
COMMENT ON FUNCTION public.application_stage(status public.application_status) IS 'The company-side pipeline stage shown for an admin-side application status (candidateStage in seeds/domain.ts).';
CREATE FUNCTION public.applications_history_check() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    DECLARE
      app uuid := NEW.application_id;
      status application_status;
      problem text;
    BEGIN
      DELETE FROM "recruit_db_application_checks" WHERE application_id = app;
      SELECT a.status INTO status FROM applications a WHERE a.id = app;
      IF NOT FOUND THEN
        RETURN NULL; -- deleted since: the history's foreign key speaks for it
      END IF;
      -- Inserted in the initial status without a history: its first row is written now.
      IF status = 'pending_admin_review' AND NOT EXISTS (SELECT 1 FROM application_status_history h WHERE h.application_id = app) THEN
        INSERT INTO application_status_history (application_id, from_status, to_status, changed_by, note, changed_at)
        SELECT a.id, NULL, a.status, nullif(current_setting('recruit_db.actor_id', true), '')::uuid, nullif(current_setting('recruit_db.note', true), ''), a.applied_at
          FROM applications a WHERE a.id = app;
        DELETE FROM "recruit_db_application_checks" WHERE application_id = app;
      END IF;
      problem := applications_history_problem(app);
      IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'application %: %', app, problem
          USING ERRCODE = 'check_violation', CONSTRAINT = 'applications_status_history_chain', TABLE = 'applications',
                HINT = 'an application''s history must walk the state machine (recruit_db_application_transitions) from pending_admin_review to its status';
      END IF;
      RETURN NULL;
    END
    $$;
CREATE FUNCTION public.applications_history_enqueue() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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
      INSERT INTO "recruit_db_application_checks" (application_id) VALUES (app) ON CONFLICT DO NOTHING;
      RETURN NULL;
    END
    $$;
CREATE FUNCTION public.applications_history_problem(app uuid) RETURNS text
    LANGUAGE sql STABLE
    AS $$
      WITH h AS (SELECT from_status, to_status, changed_at FROM application_status_history WHERE application_id = app),
           a AS (SELECT status FROM applications WHERE id = app)
      SELECT CASE
        WHEN NOT EXISTS (SELECT 1 FROM h) THEN 'has no status history'
        WHEN (SELECT count(*) FROM h WHERE from_status IS NULL) <> 1 THEN 'history must start exactly once, at pending_admin_review'
        WHEN (SELECT count(*) FROM h) <> (SELECT count(DISTINCT to_status) FROM h) THEN 'history enters a status twice'
        WHEN (SELECT count(from_status) FROM h) <> (SELECT count(DISTINCT from_status) FROM h) THEN 'history leaves a status twice'
        WHEN EXISTS (SELECT 1 FROM h x WHERE x.from_status IS NOT NULL AND NOT EXISTS (SELECT 1 FROM h p WHERE p.to_status = x.from_status))
          THEN 'history leaves a status it never entered'
        WHEN EXISTS (SELECT 1 FROM h x JOIN h p ON p.to_status = x.from_status WHERE x.changed_at < p.changed_at) THEN 'history steps are out of time order'
        WHEN NOT EXISTS (SELECT 1 FROM h, a WHERE h.to_status = a.status AND NOT EXISTS (SELECT 1 FROM h n WHERE n.from_status = a.status))
          THEN 'history does not end in the current status ' || (SELECT status FROM a)
      END
    $$;
COMMENT ON FUNCTION public.applications_history_problem(app uuid) IS 'Why an application''s status history is not a walk of the state machine from its start to its current status, or NULL when it is.';
CREATE FUNCTION public.applications_status_history() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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
    $$;
CREATE FUNCTION public.applications_status_transition() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM "recruit_db_application_transitions" t WHERE t.from_status = OLD.status AND t.to_status = NEW.status) THEN
        RAISE EXCEPTION 'application % cannot change status from % to %', OLD.id, OLD.status, NEW.status
          USING ERRCODE = 'check_violation', CONSTRAINT = 'applications_status_transition', TABLE = 'applications',
                HINT = 'allowed from ' || OLD.status || ': ' || coalesce((SELECT string_agg(t.to_status::text, ', ' ORDER BY t.to_status) FROM "recruit_db_application_transitions" t WHERE t.from_status = OLD.status), 'nothing (a final status)');
      END IF;
      IF NEW.stage IS NOT DISTINCT FROM OLD.stage THEN
        NEW.stage := application_stage(NEW.status);
      END IF;
      RETURN NEW;
    END
    $$;
CREATE FUNCTION public.audit_logs_actor() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      IF NEW.user_id IS NOT NULL THEN
        NEW.actor_id := coalesce(NEW.actor_id, NEW.user_id);
        IF NEW.actor_email IS NULL THEN
          SELECT u.email INTO NEW.actor_email FROM users u WHERE u.id = NEW.user_id;
        END IF;
      END IF;
      RETURN NEW;
    END
    $$;
CREATE FUNCTION public.audit_logs_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 AND ((NEW."user_id" IS NULL OR NEW."user_id" IS NOT DISTINCT FROM OLD."user_id")) AND ((OLD."user_id" IS NOT NULL AND NEW."user_id" IS NULL)) AND (to_jsonb(NEW) - ARRAY['user_id', 'updated_at']::text[]) = (to_jsonb(OLD) - ARRAY['user_id', 'updated_at']::text[]) THEN
        RETURN NEW; -- a referenced row was deleted: ON DELETE SET NULL
      END IF;
      RAISE EXCEPTION '% on % is not allowed: its rows are append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation', TABLE = TG_TABLE_NAME,
              HINT = 'insert a new row instead; purging old rows is a TRUNCATE or a migration';
    END
    $$;
CREATE FUNCTION public.audit_logs_create_partitions(from_time timestamp with time zone, to_time timestamp with time zone) RETURNS SETOF text
    LANGUAGE plpgsql
    AS $$
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
    $$;
COMMENT ON FUNCTION public.audit_logs_create_partitions(from_time timestamp with time zone, to_time timestamp with time zone) IS 'Creates the monthly audit_logs partitions (UTC months) from from_time to to_time that do not exist yet, moving their rows out of audit_logs_default; returns the partitions created. Run it ahead of time, e.g. monthly.';
CREATE FUNCTION public.audit_logs_drop_partitions(older_than timestamp with time zone) RETURNS SETOF text
    LANGUAGE plpgsql
    AS $_$
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
    $_$;
COMMENT ON FUNCTION public.audit_logs_drop_partitions(older_than timestamp with time zone) IS 'Retention: drops the monthly audit_logs partitions whose month ends by older_than (rows of months without a partition sit in audit_logs_default: split them out first with audit_logs_create_partitions); returns the partitions dropped.';
CREATE FUNCTION public.company_candidate_billing_payer_check() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    DECLARE
      payer uuid;
      beneficiary uuid := (SELECT c.user_id FROM companies c WHERE c.id = NEW.company_id);
    BEGIN
      SELECT p.user_id INTO payer FROM payments p WHERE p.id = NEW.payment_id;
      IF payer IS DISTINCT FROM beneficiary AND payer IS NOT NULL THEN
        RAISE EXCEPTION 'payment % was paid by user %, but this % row gives the access to user %', NEW.payment_id, payer, TG_TABLE_NAME, beneficiary
          USING ERRCODE = 'check_violation', CONSTRAINT = 'company_candidate_billing_payer_check', TABLE = TG_TABLE_NAME,
                HINT = 'the payer of a paid row''s payment is the user who gets the access';
      END IF;
      RETURN NEW;
    END
    $$;
CREATE FUNCTION public.enrollments_payer_check() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    DECLARE
      payer uuid;
      beneficiary uuid := (SELECT s.user_id FROM students s WHERE s.id = NEW.student_id);
    BEGIN
      SELECT p.user_id INTO payer FROM payments p WHERE p.id = NEW.payment_id;
      IF payer IS DISTINCT FROM beneficiary AND payer IS NOT NULL THEN
        RAISE EXCEPTION 'payment % was paid by user %, but this % row gives the access to user %', NEW.payment_id, payer, TG_TABLE_NAME, beneficiary
          USING ERRCODE = 'check_violation', CONSTRAINT = 'enrollments_payer_check', TABLE = TG_TABLE_NAME,
                HINT = 'the payer of a paid row''s payment is the user who gets the access';
      END IF;
      RETURN NEW;
    END
    $$;
CREATE FUNCTION public.job_search_document(title text, description text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
      SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
    $$;
COMMENT ON FUNCTION public.job_search_document(title text, description text) IS 'Full-text document of a job (title weighted A, description B), indexed by jobs_search_gin: WHERE job_search_document(title, description) @@ websearch_to_tsquery(''english'', $1).';
CREATE FUNCTION public.material_downloads_payer_check() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    DECLARE
      payer uuid;
      beneficiary uuid := NEW.user_id;
    BEGIN
      SELECT p.user_id INTO payer FROM payments p WHERE p.id = NEW.payment_id;
      IF payer IS DISTINCT FROM beneficiary AND payer IS NOT NULL THEN
        RAISE EXCEPTION 'payment % was paid by user %, but this % row gives the access to user %', NEW.payment_id, payer, TG_TABLE_NAME, beneficiary
          USING ERRCODE = 'check_violation', CONSTRAINT = 'material_downloads_payer_check', TABLE = TG_TABLE_NAME,
                HINT = 'the payer of a paid row''s payment is the user who gets the access';
      END IF;
      RETURN NEW;
    END
    $$;
CREATE FUNCTION public.mentor_sessions_payer_check() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    DECLARE
      payer uuid;
      beneficiary uuid := (SELECT s.user_id FROM students s WHERE s.id = NEW.student_id);
    BEGIN
      SELECT p.user_id INTO payer FROM payments p WHERE p.id = NEW.payment_id;
      IF payer IS DISTINCT FROM beneficiary AND payer IS NOT NULL THEN
        RAISE EXCEPTION 'payment % was paid by user %, but this % row gives the access to user %', NEW.payment_id, payer, TG_TABLE_NAME, beneficiary
          USING ERRCODE = 'check_violation', CONSTRAINT = 'mentor_sessions_payer_check', TABLE = TG_TABLE_NAME,
                HINT = 'the payer of a paid row''s payment is the user who gets the access';
      END IF;
      RETURN NEW;
    END
    $$;
CREATE FUNCTION public.payments_payer_immutable() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      RAISE EXCEPTION 'payment %: its payer and type never change (% -> %, % -> %)', OLD.id, OLD.user_id, NEW.user_id, OLD.payment_type, NEW.payment_type
        USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_payer_immutable', TABLE = 'payments',
              HINT = 'refund it and record a new payment instead';
    END
    $$;
CREATE FUNCTION public.recruit_set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      NEW.updated_at := now();
      RETURN NEW;
    END
    $$;
COMMENT ON FUNCTION public.recruit_set_updated_at() IS 'recruit-db:keeps updated_at current on every table';
CREATE FUNCTION public.student_placements_payer_check() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    DECLARE
      payer uuid;
      beneficiary uuid := (SELECT s.user_id FROM students s WHERE s.id = NEW.student_id);
    BEGIN
      SELECT p.user_id INTO payer FROM payments p WHERE p.id = NEW.payment_id;
      IF payer IS DISTINCT FROM beneficiary AND payer IS NOT NULL THEN
        RAISE EXCEPTION 'payment % was paid by user %, but this % row gives the access to user %', NEW.payment_id, payer, TG_TABLE_NAME, beneficiary
          USING ERRCODE = 'check_violation', CONSTRAINT = 'student_placements_payer_check', TABLE = TG_TABLE_NAME,
                HINT = 'the payer of a paid row''s payment is the user who gets the access';
      END IF;
      RETURN NEW;
    END
    $$;
CREATE FUNCTION public.webinar_registrations_payer_check() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    DECLARE
      payer uuid;
      beneficiary uuid := NEW.user_id;
    BEGIN
      SELECT p.user_id INTO payer FROM payments p WHERE p.id = NEW.payment_id;
      IF payer IS DISTINCT FROM beneficiary AND payer IS NOT NULL THEN
        RAISE EXCEPTION 'payment % was paid by user %, but this % row gives the access to user %', NEW.payment_id, payer, TG_TABLE_NAME, beneficiary
          USING ERRCODE = 'check_violation', CONSTRAINT = 'webinar_registrations_payer_check', TABLE = TG_TABLE_NAME,
                HINT = 'the payer of a paid row''s payment is the user who gets the access';
      END IF;
      RETURN NEW;
    END
    $$;
SET LOCAL default_table_access_method = heap;
CREATE TABLE public.admin_match_recommendations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    student_id uuid NOT NULL,
    job_id uuid NOT NULL,
    score numeric(5,4) NOT NULL,
    model text,
    reason text,
    admin_id uuid,
    reviewed_at timestamp with time zone,
    is_approved boolean,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT admin_match_recommendations_reviewed_when_decided_check CHECK (((is_approved IS NULL) OR (reviewed_at IS NOT NULL))),
    CONSTRAINT admin_match_recommendations_score_range_check CHECK (((score >= (0)::numeric) AND (score <= (1)::numeric)))
);
CREATE TABLE public.admins (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    role public.admin_role DEFAULT 'support_admin'::public.admin_role NOT NULL,
    department text,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    user_type public.user_type DEFAULT 'admin'::public.user_type NOT NULL,
    CONSTRAINT admins_user_type_constant_check CHECK ((user_type = 'admin'::public.user_type))
);
CREATE TABLE public.application_status_history (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    application_id uuid NOT NULL,
    from_status public.application_status,
    to_status public.application_status NOT NULL,
    changed_by uuid,
    note text,
    changed_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT application_status_history_changes_status_check CHECK (((from_status IS NULL) OR (from_status <> to_status))),
    CONSTRAINT application_status_history_starts_at_initial_check CHECK (((from_status IS NOT NULL) OR (to_status = 'pending_admin_review'::public.application_status)))
);
COMMENT ON TABLE public.application_status_history IS 'Status audit: one row per status change, written by the applications_status_history trigger (actor: SET LOCAL recruit_db.actor_id). Never cascaded away: application_id is ON DELETE RESTRICT. Checked at COMMIT to walk recruit_db_application_transitions from pending_admin_review to the current status.';
CREATE TABLE public.applications (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    student_id uuid NOT NULL,
    job_id uuid NOT NULL,
    status public.application_status DEFAULT 'pending_admin_review'::public.application_status NOT NULL,
    stage public.candidate_stage DEFAULT 'new_candidates'::public.candidate_stage NOT NULL,
    cover_letter text,
    resume_s3_key text,
    applied_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    reviewed_by_admin_id uuid,
    admin_reviewed_at timestamp with time zone,
    admin_notes text,
    forwarded_at timestamp with time zone,
    company_notes text,
    withdrawn_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT applications_forwarded_after_applied_check CHECK (((forwarded_at IS NULL) OR (forwarded_at >= applied_at))),
    CONSTRAINT applications_resume_s3_key_valid_check CHECK (((resume_s3_key ~ '^[^/[:space:]]'::text) AND (length(resume_s3_key) <= 1024))),
    CONSTRAINT applications_stage_matches_status_check CHECK ((stage = public.application_stage(status))),
    CONSTRAINT applications_withdrawn_at_when_withdrawn_check CHECK (((status <> 'withdrawn'::public.application_status) OR (withdrawn_at IS NOT NULL)))
);
CREATE TABLE public.audit_logs (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid,
    action text NOT NULL,
    entity_type text NOT NULL,
    entity_id uuid,
    before jsonb,
    after jsonb,
    ip_address inet,
    user_agent text,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    actor_id uuid,
    actor_email text,
    CONSTRAINT audit_logs_action_not_blank_check CHECK ((btrim(action) <> ''::text)),
    CONSTRAINT audit_logs_actor_is_user_check CHECK (((user_id IS NULL) OR (actor_id = user_id))),
    CONSTRAINT audit_logs_entity_type_not_blank_check CHECK ((btrim(entity_type) <> ''::text))
)
PARTITION BY RANGE (created_at);
COMMENT ON TABLE public.audit_logs IS 'Security audit, append-only (UPDATE/DELETE refused with 23001; only the user_id foreign key may clear user_id). Monthly range partitions on created_at (audit_logs_yYYYYmMM, else audit_logs_default); retention: audit_logs_drop_partitions(older_than), months ahead: audit_logs_create_partitions(from, to).';
COMMENT ON COLUMN public.audit_logs.actor_id IS 'Who acted (users.id), kept when the user is deleted and user_id is cleared. Filled from user_id on INSERT.';
COMMENT ON COLUMN public.audit_logs.actor_email IS 'The actor''s e-mail when the row was written (users.email), kept when the user is deleted.';
CREATE TABLE public.audit_logs_default (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid,
    action text NOT NULL,
    entity_type text NOT NULL,
    entity_id uuid,
    before jsonb,
    after jsonb,
    ip_address inet,
    user_agent text,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    actor_id uuid,
    actor_email text,
    CONSTRAINT audit_logs_action_not_blank_check CHECK ((btrim(action) <> ''::text)),
    CONSTRAINT audit_logs_actor_is_user_check CHECK (((user_id IS NULL) OR (actor_id = user_id))),
    CONSTRAINT audit_logs_entity_type_not_blank_check CHECK ((btrim(entity_type) <> ''::text))
);
CREATE TABLE public.badges (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    description text,
    criteria text,
    icon_url text,
    points integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT badges_name_not_blank_check CHECK ((btrim(name) <> ''::text)),
    CONSTRAINT badges_points_nonneg_check CHECK ((points >= 0))
);
CREATE TABLE public.categories (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    parent_id uuid,
    name text NOT NULL,
    slug text NOT NULL,
    description text,
    "position" integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT categories_name_not_blank_check CHECK ((btrim(name) <> ''::text)),
    CONSTRAINT categories_not_own_parent_check CHECK (((parent_id IS NULL) OR (parent_id <> id))),
    CONSTRAINT categories_position_nonneg_check CHECK (("position" >= 0)),
    CONSTRAINT categories_slug_format_check CHECK ((slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'::text))
);
CREATE TABLE public.companies (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    name text NOT NULL,
    website text,
    industry text,
    company_size text,
    description text,
    logo_s3_key text,
    headquarters text,
    billing_email text,
    verified_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    user_type public.user_type DEFAULT 'company'::public.user_type NOT NULL,
    CONSTRAINT companies_company_size_values_check CHECK ((company_size = ANY (ARRAY['1-10'::text, '11-50'::text, '51-200'::text, '201-500'::text, '501-1000'::text, '1001-5000'::text, '5000+'::text]))),
    CONSTRAINT companies_logo_s3_key_valid_check CHECK (((logo_s3_key ~ '^[^/[:space:]]'::text) AND (length(logo_s3_key) <= 1024))),
    CONSTRAINT companies_name_not_blank_check CHECK ((btrim(name) <> ''::text)),
    CONSTRAINT companies_user_type_constant_check CHECK ((user_type = 'company'::public.user_type))
);
CREATE TABLE public.company_candidate_billing (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    company_id uuid NOT NULL,
    application_id uuid NOT NULL,
    amount numeric(12,2) NOT NULL,
    currency character(3) DEFAULT 'USD'::bpchar NOT NULL,
    status public.payment_status DEFAULT 'pending'::public.payment_status NOT NULL,
    payment_id uuid,
    invoice_number text,
    billed_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    due_at timestamp with time zone,
    paid_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    payment_type public.payment_type DEFAULT 'company_candidate_fee'::public.payment_type NOT NULL,
    CONSTRAINT company_candidate_billing_amount_nonneg_check CHECK ((amount >= (0)::numeric)),
    CONSTRAINT company_candidate_billing_currency_iso_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT company_candidate_billing_due_after_billed_check CHECK (((due_at IS NULL) OR (due_at >= billed_at))),
    CONSTRAINT company_candidate_billing_paid_at_when_completed_check CHECK (((status <> 'completed'::public.payment_status) OR (paid_at IS NOT NULL))),
    CONSTRAINT company_candidate_billing_payment_type_constant_check CHECK ((payment_type = 'company_candidate_fee'::public.payment_type))
);
COMMENT ON COLUMN public.company_candidate_billing.payment_type IS 'Paid row: bought by a company_candidate_fee payment (payment_id, payment_type -> payments; one payment per row; the payer is the user who gets the access). Never cascaded away: its links are ON DELETE RESTRICT.';
CREATE TABLE public.course_prerequisites (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    course_id uuid NOT NULL,
    prerequisite_course_id uuid NOT NULL,
    is_mandatory boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT course_prerequisites_not_self_check CHECK ((course_id <> prerequisite_course_id))
);
CREATE TABLE public.course_reviews (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    student_id uuid NOT NULL,
    course_id uuid NOT NULL,
    rating smallint NOT NULL,
    title text,
    body text,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT course_reviews_rating_range_check CHECK (((rating >= 1) AND (rating <= 5)))
);
CREATE TABLE public.course_skills (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    course_id uuid NOT NULL,
    skill_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);
CREATE TABLE public.courses (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    instructor_id uuid NOT NULL,
    category_id uuid,
    title text NOT NULL,
    slug text NOT NULL,
    subtitle text,
    description text,
    difficulty_level public.difficulty_level DEFAULT 'beginner'::public.difficulty_level NOT NULL,
    pricing_model public.pricing_model DEFAULT 'free'::public.pricing_model NOT NULL,
    price numeric(12,2) DEFAULT '0'::numeric NOT NULL,
    currency character(3) DEFAULT 'USD'::bpchar NOT NULL,
    language character varying(16) DEFAULT 'en'::character varying NOT NULL,
    duration_minutes integer DEFAULT 0 NOT NULL,
    thumbnail_s3_key text,
    is_published boolean DEFAULT false NOT NULL,
    published_at timestamp with time zone,
    rating_avg numeric(3,2) DEFAULT '0'::numeric NOT NULL,
    rating_count integer DEFAULT 0 NOT NULL,
    enrollment_count integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT courses_currency_iso_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT courses_duration_minutes_nonneg_check CHECK ((duration_minutes >= 0)),
    CONSTRAINT courses_enrollment_count_nonneg_check CHECK ((enrollment_count >= 0)),
    CONSTRAINT courses_free_is_free_check CHECK (((pricing_model <> 'free'::public.pricing_model) OR (price = (0)::numeric))),
    CONSTRAINT courses_price_nonneg_check CHECK ((price >= (0)::numeric)),
    CONSTRAINT courses_published_at_when_published_check CHECK (((NOT is_published) OR (published_at IS NOT NULL))),
    CONSTRAINT courses_rating_avg_range_check CHECK (((rating_avg >= (0)::numeric) AND (rating_avg <= (5)::numeric))),
    CONSTRAINT courses_rating_count_nonneg_check CHECK ((rating_count >= 0)),
    CONSTRAINT courses_slug_format_check CHECK ((slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'::text)),
    CONSTRAINT courses_thumbnail_s3_key_valid_check CHECK (((thumbnail_s3_key ~ '^[^/[:space:]]'::text) AND (length(thumbnail_s3_key) <= 1024))),
    CONSTRAINT courses_title_not_blank_check CHECK ((btrim(title) <> ''::text))
);
CREATE TABLE public.enrollments (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    student_id uuid NOT NULL,
    course_id uuid NOT NULL,
    status public.enrollment_status DEFAULT 'in_progress'::public.enrollment_status NOT NULL,
    progress_percent numeric(5,2) DEFAULT '0'::numeric NOT NULL,
    enrolled_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    completed_at timestamp with time zone,
    expires_at timestamp with time zone,
    last_accessed_at timestamp with time zone,
    payment_id uuid,
    certificate_s3_key text,
    certificate_issued_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    payment_type public.payment_type DEFAULT 'course_purchase'::public.payment_type NOT NULL,
    CONSTRAINT enrollments_certificate_only_when_completed_check CHECK (((certificate_s3_key IS NULL) OR (status = 'completed'::public.enrollment_status))),
    CONSTRAINT enrollments_certificate_s3_key_valid_check CHECK (((certificate_s3_key ~ '^[^/[:space:]]'::text) AND (length(certificate_s3_key) <= 1024))),
    CONSTRAINT enrollments_completed_after_enrolled_check CHECK (((completed_at IS NULL) OR (completed_at >= enrolled_at))),
    CONSTRAINT enrollments_completed_at_when_completed_check CHECK (((status <> 'completed'::public.enrollment_status) OR (completed_at IS NOT NULL))),
    CONSTRAINT enrollments_payment_type_constant_check CHECK ((payment_type = 'course_purchase'::public.payment_type)),
    CONSTRAINT enrollments_progress_percent_percent_check CHECK (((progress_percent >= (0)::numeric) AND (progress_percent <= (100)::numeric)))
);
COMMENT ON COLUMN public.enrollments.payment_type IS 'Paid row: bought by a course_purchase payment (payment_id, payment_type -> payments; one payment per row; the payer is the user who gets the access). Never cascaded away: its links are ON DELETE RESTRICT.';
CREATE TABLE public.flashcard_decks (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    course_id uuid NOT NULL,
    lesson_id uuid,
    title text NOT NULL,
    description text,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT flashcard_decks_title_not_blank_check CHECK ((btrim(title) <> ''::text))
);
CREATE TABLE public.flashcards (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    deck_id uuid NOT NULL,
    front text NOT NULL,
    back text NOT NULL,
    hint text,
    "position" integer NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT flashcards_back_not_blank_check CHECK ((btrim(back) <> ''::text)),
    CONSTRAINT flashcards_front_not_blank_check CHECK ((btrim(front) <> ''::text)),
    CONSTRAINT flashcards_position_positive_check CHECK (("position" >= 1))
);
CREATE TABLE public.instructors (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    headline text,
    bio text,
    expertise text,
    website text,
    rating_avg numeric(3,2) DEFAULT '0'::numeric NOT NULL,
    rating_count integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    user_type public.user_type DEFAULT 'instructor'::public.user_type NOT NULL,
    CONSTRAINT instructors_rating_avg_range_check CHECK (((rating_avg >= (0)::numeric) AND (rating_avg <= (5)::numeric))),
    CONSTRAINT instructors_rating_count_nonneg_check CHECK ((rating_count >= 0)),
    CONSTRAINT instructors_user_type_constant_check CHECK ((user_type = 'instructor'::public.user_type))
);
CREATE TABLE public.interview_slots (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    application_id uuid NOT NULL,
    scheduled_by_user_id uuid,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    timezone character varying(64) DEFAULT 'UTC'::character varying NOT NULL,
    status public.session_status DEFAULT 'scheduled'::public.session_status NOT NULL,
    location text,
    meeting_url text,
    interviewer_name text,
    feedback text,
    rating smallint,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT interview_slots_ends_at_after_starts_at_check CHECK ((ends_at > starts_at)),
    CONSTRAINT interview_slots_rating_range_check CHECK (((rating >= 1) AND (rating <= 5)))
);
CREATE TABLE public.job_embeddings (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    job_id uuid NOT NULL,
    embedding real[] NOT NULL,
    model text NOT NULL,
    source_hash text,
    embedded_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT job_embeddings_embedding_dims_check CHECK (((array_ndims(embedding) = 1) AND (array_length(embedding, 1) = 384) AND (array_position(embedding, NULL::real) IS NULL))),
    CONSTRAINT job_embeddings_model_not_blank_check CHECK ((btrim(model) <> ''::text))
);
COMMENT ON COLUMN public.job_embeddings.embedding IS 'recruit-db:embedding storage=array dims=384';
CREATE TABLE public.job_skills (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    job_id uuid NOT NULL,
    skill_id uuid NOT NULL,
    is_required boolean DEFAULT true NOT NULL,
    min_years numeric(4,1),
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT job_skills_min_years_range_check CHECK (((min_years >= (0)::numeric) AND (min_years <= (80)::numeric)))
);
CREATE TABLE public.jobs (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    company_id uuid NOT NULL,
    category_id uuid,
    posted_by_user_id uuid,
    title text NOT NULL,
    description text NOT NULL,
    employment_type public.employment_type NOT NULL,
    remote_type public.remote_type NOT NULL,
    status public.job_status DEFAULT 'draft'::public.job_status NOT NULL,
    location text,
    salary_min numeric(12,2),
    salary_max numeric(12,2),
    currency character(3) DEFAULT 'USD'::bpchar NOT NULL,
    experience_min_years integer,
    experience_max_years integer,
    openings integer DEFAULT 1 NOT NULL,
    published_at timestamp with time zone,
    closes_at timestamp with time zone,
    filled_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT jobs_closes_after_published_check CHECK (((closes_at IS NULL) OR (published_at IS NULL) OR (closes_at > published_at))),
    CONSTRAINT jobs_currency_iso_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT jobs_description_not_blank_check CHECK ((btrim(description) <> ''::text)),
    CONSTRAINT jobs_experience_max_years_nonneg_check CHECK ((experience_max_years >= 0)),
    CONSTRAINT jobs_experience_min_years_nonneg_check CHECK ((experience_min_years >= 0)),
    CONSTRAINT jobs_experience_range_check CHECK (((experience_min_years IS NULL) OR (experience_max_years IS NULL) OR (experience_min_years <= experience_max_years))),
    CONSTRAINT jobs_filled_at_iff_filled_check CHECK (((status = 'filled'::public.job_status) = (filled_at IS NOT NULL))),
    CONSTRAINT jobs_openings_positive_check CHECK ((openings >= 1)),
    CONSTRAINT jobs_published_at_when_live_check CHECK (((status = 'draft'::public.job_status) OR (published_at IS NOT NULL))),
    CONSTRAINT jobs_salary_max_nonneg_check CHECK ((salary_max >= (0)::numeric)),
    CONSTRAINT jobs_salary_min_nonneg_check CHECK ((salary_min >= (0)::numeric)),
    CONSTRAINT jobs_salary_range_check CHECK (((salary_min IS NULL) OR (salary_max IS NULL) OR (salary_min <= salary_max))),
    CONSTRAINT jobs_title_not_blank_check CHECK ((btrim(title) <> ''::text))
);
CREATE TABLE public.knex_migrations (
    id integer NOT NULL,
    name character varying(255),
    batch integer,
    migration_time timestamp with time zone
);
CREATE SEQUENCE public.knex_migrations_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE public.knex_migrations_id_seq OWNED BY public.knex_migrations.id;
CREATE TABLE public.knex_migrations_lock (
    index integer NOT NULL,
    is_locked integer
);
CREATE SEQUENCE public.knex_migrations_lock_index_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE public.knex_migrations_lock_index_seq OWNED BY public.knex_migrations_lock.index;
CREATE TABLE public.lesson_progress (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    enrollment_id uuid NOT NULL,
    lesson_id uuid NOT NULL,
    progress_percent numeric(5,2) DEFAULT '0'::numeric NOT NULL,
    time_spent_seconds integer DEFAULT 0 NOT NULL,
    last_position_seconds integer DEFAULT 0 NOT NULL,
    started_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    completed_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT lesson_progress_completed_after_started_check CHECK (((completed_at IS NULL) OR (completed_at >= started_at))),
    CONSTRAINT lesson_progress_last_position_seconds_nonneg_check CHECK ((last_position_seconds >= 0)),
    CONSTRAINT lesson_progress_progress_percent_percent_check CHECK (((progress_percent >= (0)::numeric) AND (progress_percent <= (100)::numeric))),
    CONSTRAINT lesson_progress_time_spent_seconds_nonneg_check CHECK ((time_spent_seconds >= 0))
);
CREATE TABLE public.lessons (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    module_id uuid NOT NULL,
    title text NOT NULL,
    content_type public.content_type NOT NULL,
    "position" integer NOT NULL,
    content_s3_key text,
    content_text text,
    external_url text,
    duration_minutes integer DEFAULT 0 NOT NULL,
    is_preview boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT lessons_content_s3_key_valid_check CHECK (((content_s3_key ~ '^[^/[:space:]]'::text) AND (length(content_s3_key) <= 1024))),
    CONSTRAINT lessons_duration_minutes_nonneg_check CHECK ((duration_minutes >= 0)),
    CONSTRAINT lessons_external_link_has_url_check CHECK (((content_type <> 'external_link'::public.content_type) OR (external_url IS NOT NULL))),
    CONSTRAINT lessons_file_content_has_s3_key_check CHECK (((content_type <> ALL (ARRAY['video'::public.content_type, 'pdf'::public.content_type, 'audio'::public.content_type, 'image'::public.content_type, 'scorm_package'::public.content_type])) OR (content_s3_key IS NOT NULL))),
    CONSTRAINT lessons_position_positive_check CHECK (("position" >= 1)),
    CONSTRAINT lessons_title_not_blank_check CHECK ((btrim(title) <> ''::text))
);
CREATE TABLE public.material_downloads (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    material_id uuid NOT NULL,
    user_id uuid NOT NULL,
    payment_id uuid,
    downloaded_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    ip_address inet,
    user_agent text,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    payment_type public.payment_type DEFAULT 'material_purchase'::public.payment_type NOT NULL,
    CONSTRAINT material_downloads_payment_type_constant_check CHECK ((payment_type = 'material_purchase'::public.payment_type))
);
COMMENT ON COLUMN public.material_downloads.payment_type IS 'Paid row: bought by a material_purchase payment (payment_id, payment_type -> payments; one payment per row; the payer is the user who gets the access). Never cascaded away: its links are ON DELETE RESTRICT.';
CREATE TABLE public.materials (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    course_id uuid,
    lesson_id uuid,
    uploaded_by uuid,
    title text NOT NULL,
    description text,
    s3_key text NOT NULL,
    file_name text NOT NULL,
    mime_type text NOT NULL,
    file_size_bytes bigint DEFAULT '0'::bigint NOT NULL,
    pricing_model public.pricing_model DEFAULT 'free'::public.pricing_model NOT NULL,
    price numeric(12,2) DEFAULT '0'::numeric NOT NULL,
    currency character(3) DEFAULT 'USD'::bpchar NOT NULL,
    download_count integer DEFAULT 0 NOT NULL,
    is_published boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT materials_currency_iso_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT materials_download_count_nonneg_check CHECK ((download_count >= 0)),
    CONSTRAINT materials_file_name_not_blank_check CHECK ((btrim(file_name) <> ''::text)),
    CONSTRAINT materials_file_size_bytes_nonneg_check CHECK ((file_size_bytes >= 0)),
    CONSTRAINT materials_free_is_free_check CHECK (((pricing_model <> 'free'::public.pricing_model) OR (price = (0)::numeric))),
    CONSTRAINT materials_mime_type_not_blank_check CHECK ((btrim(mime_type) <> ''::text)),
    CONSTRAINT materials_price_nonneg_check CHECK ((price >= (0)::numeric)),
    CONSTRAINT materials_s3_key_valid_check CHECK (((s3_key ~ '^[^/[:space:]]'::text) AND (length(s3_key) <= 1024))),
    CONSTRAINT materials_title_not_blank_check CHECK ((btrim(title) <> ''::text))
);
CREATE TABLE public.mentor_reviews (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    session_id uuid NOT NULL,
    rating smallint NOT NULL,
    comment text,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT mentor_reviews_rating_range_check CHECK (((rating >= 1) AND (rating <= 5)))
);
CREATE TABLE public.mentor_sessions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    mentor_id uuid NOT NULL,
    student_id uuid NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    status public.session_status DEFAULT 'scheduled'::public.session_status NOT NULL,
    topic text,
    agenda text,
    meeting_url text,
    mentor_notes text,
    price numeric(12,2) DEFAULT '0'::numeric NOT NULL,
    currency character(3) DEFAULT 'USD'::bpchar NOT NULL,
    payment_id uuid,
    rescheduled_from_id uuid,
    cancelled_at timestamp with time zone,
    cancellation_reason text,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    payment_type public.payment_type DEFAULT 'mentor_session'::public.payment_type NOT NULL,
    CONSTRAINT mentor_sessions_cancelled_at_when_cancelled_check CHECK (((status <> 'cancelled'::public.session_status) OR (cancelled_at IS NOT NULL))),
    CONSTRAINT mentor_sessions_currency_iso_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT mentor_sessions_ends_at_after_starts_at_check CHECK ((ends_at > starts_at)),
    CONSTRAINT mentor_sessions_payment_type_constant_check CHECK ((payment_type = 'mentor_session'::public.payment_type)),
    CONSTRAINT mentor_sessions_price_nonneg_check CHECK ((price >= (0)::numeric))
);
COMMENT ON TABLE public.mentor_sessions IS 'recruit-db:no-overlap guard=exclusion constraint=mentor_sessions_no_overlap key=mentor_id';
COMMENT ON COLUMN public.mentor_sessions.payment_type IS 'Paid row: bought by a mentor_session payment (payment_id, payment_type -> payments; one payment per row; the payer is the user who gets the access). Never cascaded away: its links are ON DELETE RESTRICT.';
CREATE TABLE public.mentors (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    headline text,
    bio text,
    expertise text,
    years_of_experience integer DEFAULT 0 NOT NULL,
    hourly_rate numeric(12,2) DEFAULT '0'::numeric NOT NULL,
    currency character(3) DEFAULT 'USD'::bpchar NOT NULL,
    is_available boolean DEFAULT true NOT NULL,
    rating_avg numeric(3,2) DEFAULT '0'::numeric NOT NULL,
    rating_count integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    user_type public.user_type DEFAULT 'mentor'::public.user_type NOT NULL,
    CONSTRAINT mentors_currency_iso_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT mentors_hourly_rate_nonneg_check CHECK ((hourly_rate >= (0)::numeric)),
    CONSTRAINT mentors_rating_avg_range_check CHECK (((rating_avg >= (0)::numeric) AND (rating_avg <= (5)::numeric))),
    CONSTRAINT mentors_rating_count_nonneg_check CHECK ((rating_count >= 0)),
    CONSTRAINT mentors_user_type_constant_check CHECK ((user_type = 'mentor'::public.user_type)),
    CONSTRAINT mentors_years_of_experience_nonneg_check CHECK ((years_of_experience >= 0))
);
CREATE TABLE public.modules (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    course_id uuid NOT NULL,
    title text NOT NULL,
    description text,
    "position" integer NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT modules_position_positive_check CHECK (("position" >= 1)),
    CONSTRAINT modules_title_not_blank_check CHECK ((btrim(title) <> ''::text))
);
CREATE TABLE public.notification_preferences (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    notification_type public.notification_type NOT NULL,
    email_enabled boolean DEFAULT true NOT NULL,
    in_app_enabled boolean DEFAULT true NOT NULL,
    push_enabled boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);
CREATE TABLE public.notifications (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    notification_type public.notification_type NOT NULL,
    title text NOT NULL,
    body text,
    payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    read_at timestamp with time zone,
    sent_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT notifications_payload_is_object_check CHECK ((jsonb_typeof(payload) = 'object'::text)),
    CONSTRAINT notifications_title_not_blank_check CHECK ((btrim(title) <> ''::text))
);
CREATE TABLE public.payments (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    payment_type public.payment_type NOT NULL,
    amount numeric(12,2) NOT NULL,
    currency character(3) DEFAULT 'USD'::bpchar NOT NULL,
    status public.payment_status DEFAULT 'pending'::public.payment_status NOT NULL,
    gateway text NOT NULL,
    gateway_payment_id text,
    description text,
    failure_reason text,
    paid_at timestamp with time zone,
    refunded_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT payments_amount_nonneg_check CHECK ((amount >= (0)::numeric)),
    CONSTRAINT payments_currency_iso_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT payments_gateway_not_blank_check CHECK ((btrim(gateway) <> ''::text)),
    CONSTRAINT payments_paid_at_when_settled_check CHECK (((status <> ALL (ARRAY['completed'::public.payment_status, 'refunded'::public.payment_status])) OR (paid_at IS NOT NULL))),
    CONSTRAINT payments_refunded_at_when_refunded_check CHECK (((status <> 'refunded'::public.payment_status) OR (refunded_at IS NOT NULL)))
);
CREATE TABLE public.placement_packages (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    description text,
    price numeric(12,2) NOT NULL,
    currency character(3) DEFAULT 'USD'::bpchar NOT NULL,
    duration_days integer NOT NULL,
    referral_count integer DEFAULT 0 NOT NULL,
    mentor_session_count integer DEFAULT 0 NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT placement_packages_currency_iso_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT placement_packages_duration_days_positive_check CHECK ((duration_days >= 1)),
    CONSTRAINT placement_packages_mentor_session_count_nonneg_check CHECK ((mentor_session_count >= 0)),
    CONSTRAINT placement_packages_name_not_blank_check CHECK ((btrim(name) <> ''::text)),
    CONSTRAINT placement_packages_price_nonneg_check CHECK ((price >= (0)::numeric)),
    CONSTRAINT placement_packages_referral_count_nonneg_check CHECK ((referral_count >= 0))
);
CREATE TABLE public.portfolio_skills (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    portfolio_id uuid NOT NULL,
    skill_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);
CREATE TABLE public.quiz_attempts (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    quiz_id uuid NOT NULL,
    student_id uuid NOT NULL,
    enrollment_id uuid,
    attempt_number integer DEFAULT 1 NOT NULL,
    started_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    submitted_at timestamp with time zone,
    score_percent numeric(5,2),
    passed boolean,
    answers jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT quiz_attempts_answers_is_object_check CHECK ((jsonb_typeof(answers) = 'object'::text)),
    CONSTRAINT quiz_attempts_attempt_number_positive_check CHECK ((attempt_number >= 1)),
    CONSTRAINT quiz_attempts_graded_when_submitted_check CHECK (((submitted_at IS NOT NULL) OR ((score_percent IS NULL) AND (passed IS NULL)))),
    CONSTRAINT quiz_attempts_score_percent_percent_check CHECK (((score_percent >= (0)::numeric) AND (score_percent <= (100)::numeric))),
    CONSTRAINT quiz_attempts_submitted_at_after_started_at_check CHECK ((submitted_at >= started_at))
);
CREATE TABLE public.quiz_questions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    quiz_id uuid NOT NULL,
    question_type public.question_type NOT NULL,
    prompt text NOT NULL,
    options jsonb DEFAULT '[]'::jsonb NOT NULL,
    correct_answer jsonb NOT NULL,
    explanation text,
    points numeric(6,2) DEFAULT '1'::numeric NOT NULL,
    "position" integer NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT quiz_questions_options_is_array_check CHECK ((jsonb_typeof(options) = 'array'::text)),
    CONSTRAINT quiz_questions_points_nonneg_check CHECK ((points >= (0)::numeric)),
    CONSTRAINT quiz_questions_position_positive_check CHECK (("position" >= 1)),
    CONSTRAINT quiz_questions_prompt_not_blank_check CHECK ((btrim(prompt) <> ''::text))
);
CREATE TABLE public.quizzes (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    lesson_id uuid NOT NULL,
    title text NOT NULL,
    description text,
    passing_score numeric(5,2) DEFAULT '70'::numeric NOT NULL,
    time_limit_minutes integer,
    max_attempts integer,
    shuffle_questions boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT quizzes_max_attempts_positive_check CHECK ((max_attempts >= 1)),
    CONSTRAINT quizzes_passing_score_percent_check CHECK (((passing_score >= (0)::numeric) AND (passing_score <= (100)::numeric))),
    CONSTRAINT quizzes_time_limit_minutes_positive_check CHECK ((time_limit_minutes >= 1)),
    CONSTRAINT quizzes_title_not_blank_check CHECK ((btrim(title) <> ''::text))
);
CREATE TABLE public.recruit_db_application_checks (
    application_id uuid NOT NULL
);
COMMENT ON TABLE public.recruit_db_application_checks IS 'Applications whose status history is checked at COMMIT (applications_history_check); always empty outside a transaction.';
CREATE TABLE public.recruit_db_application_transitions (
    from_status public.application_status NOT NULL,
    to_status public.application_status NOT NULL,
    CONSTRAINT recruit_db_application_transitions_changes_status_check CHECK ((from_status <> to_status))
);
COMMENT ON TABLE public.recruit_db_application_transitions IS 'The application status state machine: every allowed (from_status, to_status) change. Every application starts at pending_admin_review. A snapshot of APPLICATION_TRANSITIONS (seeds/domain.ts) taken by migration 0017; change it with a new migration.';
CREATE TABLE public.recruit_db_migration_checksums (
    name text NOT NULL,
    checksum text NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    knex_id integer,
    run_id text
);
CREATE TABLE public.referral_contacts (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    student_id uuid NOT NULL,
    student_placement_id uuid,
    company_id uuid,
    job_id uuid,
    managed_by_admin_id uuid,
    company_name text NOT NULL,
    contact_name text NOT NULL,
    contact_email text,
    contact_title text,
    linkedin_url text,
    status public.referral_status DEFAULT 'pending'::public.referral_status NOT NULL,
    contacted_at timestamp with time zone,
    converted_at timestamp with time zone,
    notes text,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT referral_contacts_company_name_not_blank_check CHECK ((btrim(company_name) <> ''::text)),
    CONSTRAINT referral_contacts_contact_email_format_check CHECK ((contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+$'::text)),
    CONSTRAINT referral_contacts_contact_name_not_blank_check CHECK ((btrim(contact_name) <> ''::text)),
    CONSTRAINT referral_contacts_contacted_at_when_contacted_check CHECK (((status = 'pending'::public.referral_status) OR (contacted_at IS NOT NULL)))
);
CREATE TABLE public.skill_synonyms (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    skill_id uuid NOT NULL,
    synonym text NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT skill_synonyms_synonym_not_blank_check CHECK ((btrim(synonym) <> ''::text))
);
CREATE TABLE public.skills (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    category_id uuid,
    description text,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT skills_name_not_blank_check CHECK ((btrim(name) <> ''::text))
);
CREATE TABLE public.student_badges (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    student_id uuid NOT NULL,
    badge_id uuid NOT NULL,
    course_id uuid,
    awarded_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);
CREATE TABLE public.student_embeddings (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    student_id uuid NOT NULL,
    embedding real[] NOT NULL,
    model text NOT NULL,
    source_hash text,
    embedded_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT student_embeddings_embedding_dims_check CHECK (((array_ndims(embedding) = 1) AND (array_length(embedding, 1) = 384) AND (array_position(embedding, NULL::real) IS NULL))),
    CONSTRAINT student_embeddings_model_not_blank_check CHECK ((btrim(model) <> ''::text))
);
COMMENT ON COLUMN public.student_embeddings.embedding IS 'recruit-db:embedding storage=array dims=384';
CREATE TABLE public.student_placements (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    student_id uuid NOT NULL,
    package_id uuid NOT NULL,
    status public.placement_status DEFAULT 'active'::public.placement_status NOT NULL,
    starts_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    ends_at timestamp with time zone,
    payment_id uuid,
    placed_job_id uuid,
    placed_at timestamp with time zone,
    notes text,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    payment_type public.payment_type DEFAULT 'placement_package'::public.payment_type NOT NULL,
    CONSTRAINT student_placements_ends_at_after_starts_at_check CHECK ((ends_at > starts_at)),
    CONSTRAINT student_placements_payment_type_constant_check CHECK ((payment_type = 'placement_package'::public.payment_type))
);
COMMENT ON COLUMN public.student_placements.payment_type IS 'Paid row: bought by a placement_package payment (payment_id, payment_type -> payments; one payment per row; the payer is the user who gets the access). Never cascaded away: its links are ON DELETE RESTRICT.';
CREATE TABLE public.student_portfolios (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    student_id uuid NOT NULL,
    title text NOT NULL,
    description text,
    project_url text,
    repository_url text,
    image_s3_key text,
    started_on date,
    completed_on date,
    is_public boolean DEFAULT true NOT NULL,
    "position" integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT student_portfolios_completed_after_started_check CHECK (((completed_on IS NULL) OR (started_on IS NULL) OR (completed_on >= started_on))),
    CONSTRAINT student_portfolios_image_s3_key_valid_check CHECK (((image_s3_key ~ '^[^/[:space:]]'::text) AND (length(image_s3_key) <= 1024))),
    CONSTRAINT student_portfolios_position_nonneg_check CHECK (("position" >= 0)),
    CONSTRAINT student_portfolios_title_not_blank_check CHECK ((btrim(title) <> ''::text))
);
CREATE TABLE public.student_skills (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    student_id uuid NOT NULL,
    skill_id uuid NOT NULL,
    proficiency smallint DEFAULT '3'::smallint NOT NULL,
    years_of_experience numeric(4,1),
    is_verified boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT student_skills_proficiency_range_check CHECK (((proficiency >= 1) AND (proficiency <= 5))),
    CONSTRAINT student_skills_years_of_experience_range_check CHECK (((years_of_experience >= (0)::numeric) AND (years_of_experience <= (80)::numeric)))
);
CREATE TABLE public.students (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    headline text,
    bio text,
    date_of_birth date,
    location text,
    education_level text,
    graduation_year smallint,
    years_of_experience numeric(4,1) DEFAULT '0'::numeric NOT NULL,
    resume_s3_key text,
    resume_uploaded_at timestamp with time zone,
    linkedin_url text,
    github_url text,
    open_to_work boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    user_type public.user_type DEFAULT 'student'::public.user_type NOT NULL,
    CONSTRAINT students_graduation_year_range_check CHECK (((graduation_year >= 1950) AND (graduation_year <= 2100))),
    CONSTRAINT students_resume_s3_key_valid_check CHECK (((resume_s3_key ~ '^[^/[:space:]]'::text) AND (length(resume_s3_key) <= 1024))),
    CONSTRAINT students_user_type_constant_check CHECK ((user_type = 'student'::public.user_type)),
    CONSTRAINT students_years_of_experience_range_check CHECK (((years_of_experience >= (0)::numeric) AND (years_of_experience <= (80)::numeric)))
);
CREATE TABLE public.system_settings (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    key text NOT NULL,
    value jsonb NOT NULL,
    description text,
    is_public boolean DEFAULT false NOT NULL,
    updated_by uuid,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT system_settings_key_format_check CHECK ((key ~ '^[a-z0-9_]+([.][a-z0-9_]+)*$'::text)),
    CONSTRAINT system_settings_key_not_blank_check CHECK ((btrim(key) <> ''::text))
);
CREATE TABLE public.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email text NOT NULL,
    password_hash text NOT NULL,
    user_type public.user_type NOT NULL,
    status public.user_status DEFAULT 'pending_verification'::public.user_status NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    phone text,
    avatar_s3_key text,
    timezone character varying(64) DEFAULT 'UTC'::character varying NOT NULL,
    email_verified_at timestamp with time zone,
    last_login_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT users_avatar_s3_key_valid_check CHECK (((avatar_s3_key ~ '^[^/[:space:]]'::text) AND (length(avatar_s3_key) <= 1024))),
    CONSTRAINT users_email_format_check CHECK ((email ~ '^[^@[:space:]]+@[^@[:space:]]+$'::text)),
    CONSTRAINT users_email_lowercase_check CHECK ((email = lower(email))),
    CONSTRAINT users_first_name_not_blank_check CHECK ((btrim(first_name) <> ''::text)),
    CONSTRAINT users_last_name_not_blank_check CHECK ((btrim(last_name) <> ''::text)),
    CONSTRAINT users_password_hash_not_blank_check CHECK ((password_hash <> ''::text))
);
CREATE TABLE public.webinar_registrations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    webinar_id uuid NOT NULL,
    user_id uuid NOT NULL,
    status public.registration_status DEFAULT 'registered'::public.registration_status NOT NULL,
    registered_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    attended_at timestamp with time zone,
    cancelled_at timestamp with time zone,
    payment_id uuid,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    payment_type public.payment_type DEFAULT 'webinar_purchase'::public.payment_type NOT NULL,
    CONSTRAINT webinar_registrations_attended_at_when_attended_check CHECK (((status <> 'attended'::public.registration_status) OR (attended_at IS NOT NULL))),
    CONSTRAINT webinar_registrations_cancelled_at_when_cancelled_check CHECK (((status <> 'cancelled'::public.registration_status) OR (cancelled_at IS NOT NULL))),
    CONSTRAINT webinar_registrations_payment_type_constant_check CHECK ((payment_type = 'webinar_purchase'::public.payment_type))
);
COMMENT ON COLUMN public.webinar_registrations.payment_type IS 'Paid row: bought by a webinar_purchase payment (payment_id, payment_type -> payments; one payment per row; the payer is the user who gets the access). Never cascaded away: its links are ON DELETE RESTRICT.';
CREATE TABLE public.webinars (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    host_user_id uuid,
    category_id uuid,
    title text NOT NULL,
    description text,
    status public.webinar_status DEFAULT 'scheduled'::public.webinar_status NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    timezone character varying(64) DEFAULT 'UTC'::character varying NOT NULL,
    capacity integer,
    pricing_model public.pricing_model DEFAULT 'free'::public.pricing_model NOT NULL,
    price numeric(12,2) DEFAULT '0'::numeric NOT NULL,
    currency character(3) DEFAULT 'USD'::bpchar NOT NULL,
    meeting_url text,
    recording_url text,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT webinars_capacity_positive_check CHECK ((capacity >= 1)),
    CONSTRAINT webinars_currency_iso_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT webinars_ends_at_after_starts_at_check CHECK ((ends_at > starts_at)),
    CONSTRAINT webinars_free_is_free_check CHECK (((pricing_model <> 'free'::public.pricing_model) OR (price = (0)::numeric))),
    CONSTRAINT webinars_price_nonneg_check CHECK ((price >= (0)::numeric)),
    CONSTRAINT webinars_title_not_blank_check CHECK ((btrim(title) <> ''::text))
);
ALTER TABLE ONLY public.audit_logs ATTACH PARTITION public.audit_logs_default DEFAULT;
ALTER TABLE ONLY public.knex_migrations ALTER COLUMN id SET DEFAULT nextval('public.knex_migrations_id_seq'::regclass);
ALTER TABLE ONLY public.knex_migrations_lock ALTER COLUMN index SET DEFAULT nextval('public.knex_migrations_lock_index_seq'::regclass);
ALTER TABLE ONLY public.admin_match_recommendations
    ADD CONSTRAINT admin_match_recommendations_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.admin_match_recommendations
    ADD CONSTRAINT admin_match_recommendations_student_id_job_id_unique UNIQUE (student_id, job_id);
ALTER TABLE ONLY public.admins
    ADD CONSTRAINT admins_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.admins
    ADD CONSTRAINT admins_user_id_user_type_unique UNIQUE (user_id, user_type);
ALTER TABLE ONLY public.application_status_history
    ADD CONSTRAINT application_status_history_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_student_id_job_id_unique UNIQUE (student_id, job_id);
ALTER TABLE ONLY public.audit_logs
    ADD CONSTRAINT audit_logs_pkey PRIMARY KEY (id, created_at);
ALTER TABLE ONLY public.audit_logs_default
    ADD CONSTRAINT audit_logs_default_pkey PRIMARY KEY (id, created_at);
ALTER TABLE ONLY public.badges
    ADD CONSTRAINT badges_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.categories
    ADD CONSTRAINT categories_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.categories
    ADD CONSTRAINT categories_slug_unique UNIQUE (slug);
ALTER TABLE ONLY public.companies
    ADD CONSTRAINT companies_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.companies
    ADD CONSTRAINT companies_user_id_user_type_unique UNIQUE (user_id, user_type);
ALTER TABLE ONLY public.company_candidate_billing
    ADD CONSTRAINT company_candidate_billing_application_id_unique UNIQUE (application_id);
ALTER TABLE ONLY public.company_candidate_billing
    ADD CONSTRAINT company_candidate_billing_invoice_number_unique UNIQUE (invoice_number);
ALTER TABLE ONLY public.company_candidate_billing
    ADD CONSTRAINT company_candidate_billing_payment_id_payment_type_unique UNIQUE (payment_id, payment_type);
ALTER TABLE ONLY public.company_candidate_billing
    ADD CONSTRAINT company_candidate_billing_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.course_prerequisites
    ADD CONSTRAINT course_prerequisites_course_id_prerequisite_course_id_unique UNIQUE (course_id, prerequisite_course_id);
ALTER TABLE ONLY public.course_prerequisites
    ADD CONSTRAINT course_prerequisites_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.course_reviews
    ADD CONSTRAINT course_reviews_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.course_reviews
    ADD CONSTRAINT course_reviews_student_id_course_id_unique UNIQUE (student_id, course_id);
ALTER TABLE ONLY public.course_skills
    ADD CONSTRAINT course_skills_course_id_skill_id_unique UNIQUE (course_id, skill_id);
ALTER TABLE ONLY public.course_skills
    ADD CONSTRAINT course_skills_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.courses
    ADD CONSTRAINT courses_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.courses
    ADD CONSTRAINT courses_slug_unique UNIQUE (slug);
ALTER TABLE ONLY public.enrollments
    ADD CONSTRAINT enrollments_payment_id_payment_type_unique UNIQUE (payment_id, payment_type);
ALTER TABLE ONLY public.enrollments
    ADD CONSTRAINT enrollments_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.enrollments
    ADD CONSTRAINT enrollments_student_id_course_id_unique UNIQUE (student_id, course_id);
ALTER TABLE ONLY public.flashcard_decks
    ADD CONSTRAINT flashcard_decks_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.flashcards
    ADD CONSTRAINT flashcards_deck_id_position_unique UNIQUE (deck_id, "position");
ALTER TABLE ONLY public.flashcards
    ADD CONSTRAINT flashcards_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.instructors
    ADD CONSTRAINT instructors_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.instructors
    ADD CONSTRAINT instructors_user_id_user_type_unique UNIQUE (user_id, user_type);
ALTER TABLE ONLY public.interview_slots
    ADD CONSTRAINT interview_slots_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.job_embeddings
    ADD CONSTRAINT job_embeddings_job_id_unique UNIQUE (job_id);
ALTER TABLE ONLY public.job_embeddings
    ADD CONSTRAINT job_embeddings_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.job_skills
    ADD CONSTRAINT job_skills_job_id_skill_id_unique UNIQUE (job_id, skill_id);
ALTER TABLE ONLY public.job_skills
    ADD CONSTRAINT job_skills_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.jobs
    ADD CONSTRAINT jobs_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.knex_migrations_lock
    ADD CONSTRAINT knex_migrations_lock_pkey PRIMARY KEY (index);
ALTER TABLE ONLY public.knex_migrations
    ADD CONSTRAINT knex_migrations_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.lesson_progress
    ADD CONSTRAINT lesson_progress_enrollment_id_lesson_id_unique UNIQUE (enrollment_id, lesson_id);
ALTER TABLE ONLY public.lesson_progress
    ADD CONSTRAINT lesson_progress_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.lessons
    ADD CONSTRAINT lessons_module_id_position_unique UNIQUE (module_id, "position");
ALTER TABLE ONLY public.lessons
    ADD CONSTRAINT lessons_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.material_downloads
    ADD CONSTRAINT material_downloads_payment_id_payment_type_unique UNIQUE (payment_id, payment_type);
ALTER TABLE ONLY public.material_downloads
    ADD CONSTRAINT material_downloads_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.materials
    ADD CONSTRAINT materials_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.materials
    ADD CONSTRAINT materials_s3_key_unique UNIQUE (s3_key);
ALTER TABLE ONLY public.mentor_reviews
    ADD CONSTRAINT mentor_reviews_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.mentor_reviews
    ADD CONSTRAINT mentor_reviews_session_id_unique UNIQUE (session_id);
ALTER TABLE ONLY public.mentor_sessions
    ADD CONSTRAINT mentor_sessions_no_overlap EXCLUDE USING gist (mentor_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE ((status <> ALL (ARRAY['cancelled'::public.session_status, 'rescheduled'::public.session_status])));
ALTER TABLE ONLY public.mentor_sessions
    ADD CONSTRAINT mentor_sessions_payment_id_payment_type_unique UNIQUE (payment_id, payment_type);
ALTER TABLE ONLY public.mentor_sessions
    ADD CONSTRAINT mentor_sessions_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.mentor_sessions
    ADD CONSTRAINT mentor_sessions_student_no_overlap EXCLUDE USING gist (student_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE ((status <> ALL (ARRAY['cancelled'::public.session_status, 'rescheduled'::public.session_status])));
COMMENT ON CONSTRAINT mentor_sessions_student_no_overlap ON public.mentor_sessions IS 'recruit-db:no-overlap guard=exclusion constraint=mentor_sessions_student_no_overlap key=student_id';
ALTER TABLE ONLY public.mentors
    ADD CONSTRAINT mentors_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.mentors
    ADD CONSTRAINT mentors_user_id_user_type_unique UNIQUE (user_id, user_type);
ALTER TABLE ONLY public.modules
    ADD CONSTRAINT modules_course_id_position_unique UNIQUE (course_id, "position");
ALTER TABLE ONLY public.modules
    ADD CONSTRAINT modules_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.notification_preferences
    ADD CONSTRAINT notification_preferences_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.notification_preferences
    ADD CONSTRAINT notification_preferences_user_id_notification_type_unique UNIQUE (user_id, notification_type);
ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_gateway_gateway_payment_id_unique UNIQUE (gateway, gateway_payment_id);
ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_id_payment_type_unique UNIQUE (id, payment_type);
ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.placement_packages
    ADD CONSTRAINT placement_packages_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.portfolio_skills
    ADD CONSTRAINT portfolio_skills_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.portfolio_skills
    ADD CONSTRAINT portfolio_skills_portfolio_id_skill_id_unique UNIQUE (portfolio_id, skill_id);
ALTER TABLE ONLY public.quiz_attempts
    ADD CONSTRAINT quiz_attempts_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.quiz_attempts
    ADD CONSTRAINT quiz_attempts_quiz_id_student_id_attempt_number_unique UNIQUE (quiz_id, student_id, attempt_number);
ALTER TABLE ONLY public.quiz_questions
    ADD CONSTRAINT quiz_questions_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.quiz_questions
    ADD CONSTRAINT quiz_questions_quiz_id_position_unique UNIQUE (quiz_id, "position");
ALTER TABLE ONLY public.quizzes
    ADD CONSTRAINT quizzes_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.recruit_db_application_checks
    ADD CONSTRAINT recruit_db_application_checks_pkey PRIMARY KEY (application_id);
ALTER TABLE ONLY public.recruit_db_application_transitions
    ADD CONSTRAINT recruit_db_application_transitions_pkey PRIMARY KEY (from_status, to_status);
ALTER TABLE ONLY public.recruit_db_migration_checksums
    ADD CONSTRAINT recruit_db_migration_checksums_pkey PRIMARY KEY (name);
ALTER TABLE ONLY public.referral_contacts
    ADD CONSTRAINT referral_contacts_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.skill_synonyms
    ADD CONSTRAINT skill_synonyms_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.skills
    ADD CONSTRAINT skills_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.student_badges
    ADD CONSTRAINT student_badges_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.student_badges
    ADD CONSTRAINT student_badges_student_id_badge_id_unique UNIQUE (student_id, badge_id);
ALTER TABLE ONLY public.student_embeddings
    ADD CONSTRAINT student_embeddings_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.student_embeddings
    ADD CONSTRAINT student_embeddings_student_id_unique UNIQUE (student_id);
ALTER TABLE ONLY public.student_placements
    ADD CONSTRAINT student_placements_payment_id_payment_type_unique UNIQUE (payment_id, payment_type);
ALTER TABLE ONLY public.student_placements
    ADD CONSTRAINT student_placements_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.student_portfolios
    ADD CONSTRAINT student_portfolios_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.student_skills
    ADD CONSTRAINT student_skills_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.student_skills
    ADD CONSTRAINT student_skills_student_id_skill_id_unique UNIQUE (student_id, skill_id);
ALTER TABLE ONLY public.students
    ADD CONSTRAINT students_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.students
    ADD CONSTRAINT students_user_id_user_type_unique UNIQUE (user_id, user_type);
ALTER TABLE ONLY public.system_settings
    ADD CONSTRAINT system_settings_key_unique UNIQUE (key);
ALTER TABLE ONLY public.system_settings
    ADD CONSTRAINT system_settings_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_email_unique UNIQUE (email);
ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_id_user_type_unique UNIQUE (id, user_type);
ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.webinar_registrations
    ADD CONSTRAINT webinar_registrations_payment_id_payment_type_unique UNIQUE (payment_id, payment_type);
ALTER TABLE ONLY public.webinar_registrations
    ADD CONSTRAINT webinar_registrations_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.webinar_registrations
    ADD CONSTRAINT webinar_registrations_webinar_id_user_id_unique UNIQUE (webinar_id, user_id);
ALTER TABLE ONLY public.webinars
    ADD CONSTRAINT webinars_pkey PRIMARY KEY (id);
CREATE INDEX admin_match_recommendations_admin_id_index ON public.admin_match_recommendations USING btree (admin_id);
CREATE INDEX admin_match_recommendations_job_id_score_index ON public.admin_match_recommendations USING btree (job_id, score);
CREATE INDEX application_status_history_application_id_changed_at_index ON public.application_status_history USING btree (application_id, changed_at);
CREATE INDEX application_status_history_changed_by_index ON public.application_status_history USING btree (changed_by);
CREATE INDEX application_status_history_from_status_to_status_index ON public.application_status_history USING btree (from_status, to_status);
CREATE INDEX applications_job_id_status_index ON public.applications USING btree (job_id, status);
CREATE INDEX applications_reviewed_by_admin_id_index ON public.applications USING btree (reviewed_by_admin_id);
CREATE INDEX applications_status_applied_at_index ON public.applications USING btree (status, applied_at);
CREATE INDEX audit_logs_created_at_brin ON ONLY public.audit_logs USING brin (created_at);
CREATE INDEX audit_logs_default_created_at_idx ON public.audit_logs_default USING brin (created_at);
CREATE INDEX audit_logs_entity_type_entity_id_index ON ONLY public.audit_logs USING btree (entity_type, entity_id);
CREATE INDEX audit_logs_default_entity_type_entity_id_idx ON public.audit_logs_default USING btree (entity_type, entity_id);
CREATE INDEX audit_logs_user_id_index ON ONLY public.audit_logs USING btree (user_id);
CREATE INDEX audit_logs_default_user_id_idx ON public.audit_logs_default USING btree (user_id);
CREATE UNIQUE INDEX badges_name_lower_unique ON public.badges USING btree (lower(name));
CREATE INDEX categories_parent_id_position_index ON public.categories USING btree (parent_id, "position");
CREATE INDEX companies_name_index ON public.companies USING btree (name);
CREATE INDEX company_candidate_billing_company_id_status_index ON public.company_candidate_billing USING btree (company_id, status);
CREATE INDEX course_prerequisites_prerequisite_course_id_index ON public.course_prerequisites USING btree (prerequisite_course_id);
CREATE INDEX course_reviews_course_id_index ON public.course_reviews USING btree (course_id);
CREATE INDEX course_skills_skill_id_index ON public.course_skills USING btree (skill_id);
CREATE INDEX courses_category_id_index ON public.courses USING btree (category_id);
CREATE INDEX courses_instructor_id_index ON public.courses USING btree (instructor_id);
CREATE INDEX courses_is_published_difficulty_level_index ON public.courses USING btree (is_published, difficulty_level);
CREATE INDEX enrollments_course_id_status_index ON public.enrollments USING btree (course_id, status);
CREATE INDEX flashcard_decks_course_id_index ON public.flashcard_decks USING btree (course_id);
CREATE INDEX flashcard_decks_lesson_id_index ON public.flashcard_decks USING btree (lesson_id);
CREATE INDEX interview_slots_application_id_starts_at_index ON public.interview_slots USING btree (application_id, starts_at);
CREATE INDEX interview_slots_scheduled_by_user_id_index ON public.interview_slots USING btree (scheduled_by_user_id);
CREATE INDEX job_skills_skill_id_index ON public.job_skills USING btree (skill_id);
CREATE INDEX jobs_category_id_index ON public.jobs USING btree (category_id);
CREATE INDEX jobs_company_id_index ON public.jobs USING btree (company_id);
CREATE INDEX jobs_posted_by_user_id_index ON public.jobs USING btree (posted_by_user_id);
CREATE INDEX jobs_search_gin ON public.jobs USING gin (public.job_search_document(title, description));
CREATE INDEX jobs_status_published_at_index ON public.jobs USING btree (status, published_at);
CREATE INDEX lesson_progress_lesson_id_index ON public.lesson_progress USING btree (lesson_id);
CREATE INDEX material_downloads_material_id_downloaded_at_index ON public.material_downloads USING btree (material_id, downloaded_at);
CREATE INDEX material_downloads_user_id_downloaded_at_index ON public.material_downloads USING btree (user_id, downloaded_at);
CREATE INDEX materials_course_id_index ON public.materials USING btree (course_id);
CREATE INDEX materials_lesson_id_index ON public.materials USING btree (lesson_id);
CREATE INDEX materials_uploaded_by_index ON public.materials USING btree (uploaded_by);
CREATE INDEX mentor_sessions_mentor_id_starts_at_index ON public.mentor_sessions USING btree (mentor_id, starts_at);
CREATE INDEX mentor_sessions_rescheduled_from_id_index ON public.mentor_sessions USING btree (rescheduled_from_id);
CREATE INDEX mentor_sessions_student_id_starts_at_index ON public.mentor_sessions USING btree (student_id, starts_at);
CREATE INDEX notifications_unread_index ON public.notifications USING btree (user_id, created_at DESC) WHERE (read_at IS NULL);
CREATE INDEX notifications_user_id_created_at_index ON public.notifications USING btree (user_id, created_at);
CREATE INDEX payments_status_payment_type_index ON public.payments USING btree (status, payment_type);
CREATE INDEX payments_user_id_created_at_index ON public.payments USING btree (user_id, created_at);
CREATE UNIQUE INDEX placement_packages_name_lower_unique ON public.placement_packages USING btree (lower(name));
CREATE INDEX portfolio_skills_skill_id_index ON public.portfolio_skills USING btree (skill_id);
CREATE INDEX quiz_attempts_enrollment_id_index ON public.quiz_attempts USING btree (enrollment_id);
CREATE INDEX quiz_attempts_student_id_started_at_index ON public.quiz_attempts USING btree (student_id, started_at);
CREATE INDEX quizzes_lesson_id_index ON public.quizzes USING btree (lesson_id);
CREATE INDEX referral_contacts_company_id_index ON public.referral_contacts USING btree (company_id);
CREATE INDEX referral_contacts_job_id_index ON public.referral_contacts USING btree (job_id);
CREATE INDEX referral_contacts_managed_by_admin_id_index ON public.referral_contacts USING btree (managed_by_admin_id);
CREATE INDEX referral_contacts_student_id_status_index ON public.referral_contacts USING btree (student_id, status);
CREATE INDEX referral_contacts_student_placement_id_index ON public.referral_contacts USING btree (student_placement_id);
CREATE INDEX skill_synonyms_skill_id_index ON public.skill_synonyms USING btree (skill_id);
CREATE UNIQUE INDEX skill_synonyms_synonym_lower_unique ON public.skill_synonyms USING btree (lower(synonym));
CREATE INDEX skills_category_id_index ON public.skills USING btree (category_id);
CREATE UNIQUE INDEX skills_name_lower_unique ON public.skills USING btree (lower(name));
CREATE INDEX student_badges_badge_id_index ON public.student_badges USING btree (badge_id);
CREATE INDEX student_badges_course_id_index ON public.student_badges USING btree (course_id);
CREATE INDEX student_placements_package_id_index ON public.student_placements USING btree (package_id);
CREATE INDEX student_placements_placed_job_id_index ON public.student_placements USING btree (placed_job_id);
CREATE INDEX student_placements_student_id_status_index ON public.student_placements USING btree (student_id, status);
CREATE INDEX student_portfolios_student_id_position_index ON public.student_portfolios USING btree (student_id, "position");
CREATE INDEX student_skills_skill_id_index ON public.student_skills USING btree (skill_id);
CREATE INDEX system_settings_updated_by_index ON public.system_settings USING btree (updated_by);
CREATE INDEX users_user_type_status_index ON public.users USING btree (user_type, status);
CREATE INDEX webinar_registrations_user_id_index ON public.webinar_registrations USING btree (user_id);
CREATE INDEX webinars_category_id_index ON public.webinars USING btree (category_id);
CREATE INDEX webinars_host_user_id_index ON public.webinars USING btree (host_user_id);
CREATE INDEX webinars_status_starts_at_index ON public.webinars USING btree (status, starts_at);
ALTER INDEX public.audit_logs_created_at_brin ATTACH PARTITION public.audit_logs_default_created_at_idx;
ALTER INDEX public.audit_logs_entity_type_entity_id_index ATTACH PARTITION public.audit_logs_default_entity_type_entity_id_idx;
ALTER INDEX public.audit_logs_pkey ATTACH PARTITION public.audit_logs_default_pkey;
ALTER INDEX public.audit_logs_user_id_index ATTACH PARTITION public.audit_logs_default_user_id_idx;
CREATE TRIGGER admin_match_recommendations_set_updated_at BEFORE UPDATE ON public.admin_match_recommendations FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER admins_set_updated_at BEFORE UPDATE ON public.admins FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER application_status_history_queue AFTER INSERT OR DELETE OR UPDATE ON public.application_status_history FOR EACH ROW EXECUTE FUNCTION public.applications_history_enqueue();
CREATE TRIGGER application_status_history_set_updated_at BEFORE UPDATE ON public.application_status_history FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER applications_set_updated_at BEFORE UPDATE ON public.applications FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER applications_status_history AFTER UPDATE OF status ON public.applications FOR EACH ROW WHEN ((old.status IS DISTINCT FROM new.status)) EXECUTE FUNCTION public.applications_status_history();
CREATE CONSTRAINT TRIGGER applications_status_history_chain AFTER INSERT ON public.recruit_db_application_checks DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.applications_history_check();
CREATE TRIGGER applications_status_history_queue AFTER INSERT OR UPDATE ON public.applications FOR EACH ROW EXECUTE FUNCTION public.applications_history_enqueue();
CREATE TRIGGER applications_status_transition BEFORE UPDATE OF status ON public.applications FOR EACH ROW WHEN ((old.status IS DISTINCT FROM new.status)) EXECUTE FUNCTION public.applications_status_transition();
CREATE TRIGGER audit_logs_actor BEFORE INSERT ON public.audit_logs FOR EACH ROW EXECUTE FUNCTION public.audit_logs_actor();
CREATE TRIGGER audit_logs_append_only BEFORE DELETE OR UPDATE ON public.audit_logs FOR EACH ROW EXECUTE FUNCTION public.audit_logs_append_only();
CREATE TRIGGER audit_logs_set_updated_at BEFORE UPDATE ON public.audit_logs FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER badges_set_updated_at BEFORE UPDATE ON public.badges FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER categories_set_updated_at BEFORE UPDATE ON public.categories FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER companies_set_updated_at BEFORE UPDATE ON public.companies FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER company_candidate_billing_payer_check BEFORE INSERT OR UPDATE OF payment_id, company_id ON public.company_candidate_billing FOR EACH ROW WHEN ((new.payment_id IS NOT NULL)) EXECUTE FUNCTION public.company_candidate_billing_payer_check();
CREATE TRIGGER company_candidate_billing_set_updated_at BEFORE UPDATE ON public.company_candidate_billing FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER course_prerequisites_set_updated_at BEFORE UPDATE ON public.course_prerequisites FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER course_reviews_set_updated_at BEFORE UPDATE ON public.course_reviews FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER course_skills_set_updated_at BEFORE UPDATE ON public.course_skills FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER courses_set_updated_at BEFORE UPDATE ON public.courses FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER enrollments_payer_check BEFORE INSERT OR UPDATE OF payment_id, student_id ON public.enrollments FOR EACH ROW WHEN ((new.payment_id IS NOT NULL)) EXECUTE FUNCTION public.enrollments_payer_check();
CREATE TRIGGER enrollments_set_updated_at BEFORE UPDATE ON public.enrollments FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER flashcard_decks_set_updated_at BEFORE UPDATE ON public.flashcard_decks FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER flashcards_set_updated_at BEFORE UPDATE ON public.flashcards FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER instructors_set_updated_at BEFORE UPDATE ON public.instructors FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER interview_slots_set_updated_at BEFORE UPDATE ON public.interview_slots FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER job_embeddings_set_updated_at BEFORE UPDATE ON public.job_embeddings FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER job_skills_set_updated_at BEFORE UPDATE ON public.job_skills FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER jobs_set_updated_at BEFORE UPDATE ON public.jobs FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER lesson_progress_set_updated_at BEFORE UPDATE ON public.lesson_progress FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER lessons_set_updated_at BEFORE UPDATE ON public.lessons FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER material_downloads_payer_check BEFORE INSERT OR UPDATE OF payment_id, user_id ON public.material_downloads FOR EACH ROW WHEN ((new.payment_id IS NOT NULL)) EXECUTE FUNCTION public.material_downloads_payer_check();
CREATE TRIGGER material_downloads_set_updated_at BEFORE UPDATE ON public.material_downloads FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER materials_set_updated_at BEFORE UPDATE ON public.materials FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER mentor_reviews_set_updated_at BEFORE UPDATE ON public.mentor_reviews FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER mentor_sessions_payer_check BEFORE INSERT OR UPDATE OF payment_id, student_id ON public.mentor_sessions FOR EACH ROW WHEN ((new.payment_id IS NOT NULL)) EXECUTE FUNCTION public.mentor_sessions_payer_check();
CREATE TRIGGER mentor_sessions_set_updated_at BEFORE UPDATE ON public.mentor_sessions FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER mentors_set_updated_at BEFORE UPDATE ON public.mentors FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER modules_set_updated_at BEFORE UPDATE ON public.modules FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER notification_preferences_set_updated_at BEFORE UPDATE ON public.notification_preferences FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER notifications_set_updated_at BEFORE UPDATE ON public.notifications FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER payments_payer_immutable BEFORE UPDATE OF user_id, payment_type ON public.payments FOR EACH ROW WHEN (((old.user_id IS DISTINCT FROM new.user_id) OR (old.payment_type IS DISTINCT FROM new.payment_type))) EXECUTE FUNCTION public.payments_payer_immutable();
CREATE TRIGGER payments_set_updated_at BEFORE UPDATE ON public.payments FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER placement_packages_set_updated_at BEFORE UPDATE ON public.placement_packages FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER portfolio_skills_set_updated_at BEFORE UPDATE ON public.portfolio_skills FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER quiz_attempts_set_updated_at BEFORE UPDATE ON public.quiz_attempts FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER quiz_questions_set_updated_at BEFORE UPDATE ON public.quiz_questions FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER quizzes_set_updated_at BEFORE UPDATE ON public.quizzes FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER referral_contacts_set_updated_at BEFORE UPDATE ON public.referral_contacts FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER skill_synonyms_set_updated_at BEFORE UPDATE ON public.skill_synonyms FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER skills_set_updated_at BEFORE UPDATE ON public.skills FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER student_badges_set_updated_at BEFORE UPDATE ON public.student_badges FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER student_embeddings_set_updated_at BEFORE UPDATE ON public.student_embeddings FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER student_placements_payer_check BEFORE INSERT OR UPDATE OF payment_id, student_id ON public.student_placements FOR EACH ROW WHEN ((new.payment_id IS NOT NULL)) EXECUTE FUNCTION public.student_placements_payer_check();
CREATE TRIGGER student_placements_set_updated_at BEFORE UPDATE ON public.student_placements FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER student_portfolios_set_updated_at BEFORE UPDATE ON public.student_portfolios FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER student_skills_set_updated_at BEFORE UPDATE ON public.student_skills FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER students_set_updated_at BEFORE UPDATE ON public.students FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER system_settings_set_updated_at BEFORE UPDATE ON public.system_settings FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER webinar_registrations_payer_check BEFORE INSERT OR UPDATE OF payment_id, user_id ON public.webinar_registrations FOR EACH ROW WHEN ((new.payment_id IS NOT NULL)) EXECUTE FUNCTION public.webinar_registrations_payer_check();
CREATE TRIGGER webinar_registrations_set_updated_at BEFORE UPDATE ON public.webinar_registrations FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
CREATE TRIGGER webinars_set_updated_at BEFORE UPDATE ON public.webinars FOR EACH ROW EXECUTE FUNCTION public.recruit_set_updated_at();
ALTER TABLE ONLY public.admin_match_recommendations
    ADD CONSTRAINT admin_match_recommendations_admin_id_foreign FOREIGN KEY (admin_id) REFERENCES public.admins(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.admin_match_recommendations
    ADD CONSTRAINT admin_match_recommendations_job_id_foreign FOREIGN KEY (job_id) REFERENCES public.jobs(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.admin_match_recommendations
    ADD CONSTRAINT admin_match_recommendations_student_id_foreign FOREIGN KEY (student_id) REFERENCES public.students(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.admins
    ADD CONSTRAINT admins_user_id_user_type_foreign FOREIGN KEY (user_id, user_type) REFERENCES public.users(id, user_type) ON DELETE CASCADE;
ALTER TABLE ONLY public.application_status_history
    ADD CONSTRAINT application_status_history_application_id_foreign FOREIGN KEY (application_id) REFERENCES public.applications(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.application_status_history
    ADD CONSTRAINT application_status_history_changed_by_foreign FOREIGN KEY (changed_by) REFERENCES public.users(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.application_status_history
    ADD CONSTRAINT application_status_history_transition_foreign FOREIGN KEY (from_status, to_status) REFERENCES public.recruit_db_application_transitions(from_status, to_status) ON DELETE RESTRICT;
ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_job_id_foreign FOREIGN KEY (job_id) REFERENCES public.jobs(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_reviewed_by_admin_id_foreign FOREIGN KEY (reviewed_by_admin_id) REFERENCES public.admins(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_student_id_foreign FOREIGN KEY (student_id) REFERENCES public.students(id) ON DELETE CASCADE;
ALTER TABLE public.audit_logs
    ADD CONSTRAINT audit_logs_user_id_foreign FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.categories
    ADD CONSTRAINT categories_parent_id_foreign FOREIGN KEY (parent_id) REFERENCES public.categories(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.companies
    ADD CONSTRAINT companies_user_id_user_type_foreign FOREIGN KEY (user_id, user_type) REFERENCES public.users(id, user_type) ON DELETE CASCADE;
ALTER TABLE ONLY public.company_candidate_billing
    ADD CONSTRAINT company_candidate_billing_application_id_foreign FOREIGN KEY (application_id) REFERENCES public.applications(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.company_candidate_billing
    ADD CONSTRAINT company_candidate_billing_company_id_foreign FOREIGN KEY (company_id) REFERENCES public.companies(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.company_candidate_billing
    ADD CONSTRAINT company_candidate_billing_payment_id_payment_type_foreign FOREIGN KEY (payment_id, payment_type) REFERENCES public.payments(id, payment_type) ON DELETE RESTRICT;
ALTER TABLE ONLY public.course_prerequisites
    ADD CONSTRAINT course_prerequisites_course_id_foreign FOREIGN KEY (course_id) REFERENCES public.courses(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.course_prerequisites
    ADD CONSTRAINT course_prerequisites_prerequisite_course_id_foreign FOREIGN KEY (prerequisite_course_id) REFERENCES public.courses(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.course_reviews
    ADD CONSTRAINT course_reviews_course_id_foreign FOREIGN KEY (course_id) REFERENCES public.courses(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.course_reviews
    ADD CONSTRAINT course_reviews_student_id_foreign FOREIGN KEY (student_id) REFERENCES public.students(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.course_skills
    ADD CONSTRAINT course_skills_course_id_foreign FOREIGN KEY (course_id) REFERENCES public.courses(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.course_skills
    ADD CONSTRAINT course_skills_skill_id_foreign FOREIGN KEY (skill_id) REFERENCES public.skills(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.courses
    ADD CONSTRAINT courses_category_id_foreign FOREIGN KEY (category_id) REFERENCES public.categories(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.courses
    ADD CONSTRAINT courses_instructor_id_foreign FOREIGN KEY (instructor_id) REFERENCES public.instructors(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.enrollments
    ADD CONSTRAINT enrollments_course_id_foreign FOREIGN KEY (course_id) REFERENCES public.courses(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.enrollments
    ADD CONSTRAINT enrollments_payment_id_payment_type_foreign FOREIGN KEY (payment_id, payment_type) REFERENCES public.payments(id, payment_type) ON DELETE RESTRICT;
ALTER TABLE ONLY public.enrollments
    ADD CONSTRAINT enrollments_student_id_foreign FOREIGN KEY (student_id) REFERENCES public.students(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.flashcard_decks
    ADD CONSTRAINT flashcard_decks_course_id_foreign FOREIGN KEY (course_id) REFERENCES public.courses(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.flashcard_decks
    ADD CONSTRAINT flashcard_decks_lesson_id_foreign FOREIGN KEY (lesson_id) REFERENCES public.lessons(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.flashcards
    ADD CONSTRAINT flashcards_deck_id_foreign FOREIGN KEY (deck_id) REFERENCES public.flashcard_decks(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.instructors
    ADD CONSTRAINT instructors_user_id_user_type_foreign FOREIGN KEY (user_id, user_type) REFERENCES public.users(id, user_type) ON DELETE CASCADE;
ALTER TABLE ONLY public.interview_slots
    ADD CONSTRAINT interview_slots_application_id_foreign FOREIGN KEY (application_id) REFERENCES public.applications(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.interview_slots
    ADD CONSTRAINT interview_slots_scheduled_by_user_id_foreign FOREIGN KEY (scheduled_by_user_id) REFERENCES public.users(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.job_embeddings
    ADD CONSTRAINT job_embeddings_job_id_foreign FOREIGN KEY (job_id) REFERENCES public.jobs(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.job_skills
    ADD CONSTRAINT job_skills_job_id_foreign FOREIGN KEY (job_id) REFERENCES public.jobs(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.job_skills
    ADD CONSTRAINT job_skills_skill_id_foreign FOREIGN KEY (skill_id) REFERENCES public.skills(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.jobs
    ADD CONSTRAINT jobs_category_id_foreign FOREIGN KEY (category_id) REFERENCES public.categories(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.jobs
    ADD CONSTRAINT jobs_company_id_foreign FOREIGN KEY (company_id) REFERENCES public.companies(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.jobs
    ADD CONSTRAINT jobs_posted_by_user_id_foreign FOREIGN KEY (posted_by_user_id) REFERENCES public.users(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.lesson_progress
    ADD CONSTRAINT lesson_progress_enrollment_id_foreign FOREIGN KEY (enrollment_id) REFERENCES public.enrollments(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.lesson_progress
    ADD CONSTRAINT lesson_progress_lesson_id_foreign FOREIGN KEY (lesson_id) REFERENCES public.lessons(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.lessons
    ADD CONSTRAINT lessons_module_id_foreign FOREIGN KEY (module_id) REFERENCES public.modules(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.material_downloads
    ADD CONSTRAINT material_downloads_material_id_foreign FOREIGN KEY (material_id) REFERENCES public.materials(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.material_downloads
    ADD CONSTRAINT material_downloads_payment_id_payment_type_foreign FOREIGN KEY (payment_id, payment_type) REFERENCES public.payments(id, payment_type) ON DELETE RESTRICT;
ALTER TABLE ONLY public.material_downloads
    ADD CONSTRAINT material_downloads_user_id_foreign FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.materials
    ADD CONSTRAINT materials_course_id_foreign FOREIGN KEY (course_id) REFERENCES public.courses(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.materials
    ADD CONSTRAINT materials_lesson_id_foreign FOREIGN KEY (lesson_id) REFERENCES public.lessons(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.materials
    ADD CONSTRAINT materials_uploaded_by_foreign FOREIGN KEY (uploaded_by) REFERENCES public.users(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.mentor_reviews
    ADD CONSTRAINT mentor_reviews_session_id_foreign FOREIGN KEY (session_id) REFERENCES public.mentor_sessions(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.mentor_sessions
    ADD CONSTRAINT mentor_sessions_mentor_id_foreign FOREIGN KEY (mentor_id) REFERENCES public.mentors(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.mentor_sessions
    ADD CONSTRAINT mentor_sessions_payment_id_payment_type_foreign FOREIGN KEY (payment_id, payment_type) REFERENCES public.payments(id, payment_type) ON DELETE RESTRICT;
ALTER TABLE ONLY public.mentor_sessions
    ADD CONSTRAINT mentor_sessions_rescheduled_from_id_foreign FOREIGN KEY (rescheduled_from_id) REFERENCES public.mentor_sessions(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.mentor_sessions
    ADD CONSTRAINT mentor_sessions_student_id_foreign FOREIGN KEY (student_id) REFERENCES public.students(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.mentors
    ADD CONSTRAINT mentors_user_id_user_type_foreign FOREIGN KEY (user_id, user_type) REFERENCES public.users(id, user_type) ON DELETE CASCADE;
ALTER TABLE ONLY public.modules
    ADD CONSTRAINT modules_course_id_foreign FOREIGN KEY (course_id) REFERENCES public.courses(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.notification_preferences
    ADD CONSTRAINT notification_preferences_user_id_foreign FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_user_id_foreign FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_user_id_foreign FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.portfolio_skills
    ADD CONSTRAINT portfolio_skills_portfolio_id_foreign FOREIGN KEY (portfolio_id) REFERENCES public.student_portfolios(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.portfolio_skills
    ADD CONSTRAINT portfolio_skills_skill_id_foreign FOREIGN KEY (skill_id) REFERENCES public.skills(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.quiz_attempts
    ADD CONSTRAINT quiz_attempts_enrollment_id_foreign FOREIGN KEY (enrollment_id) REFERENCES public.enrollments(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.quiz_attempts
    ADD CONSTRAINT quiz_attempts_quiz_id_foreign FOREIGN KEY (quiz_id) REFERENCES public.quizzes(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.quiz_attempts
    ADD CONSTRAINT quiz_attempts_student_id_foreign FOREIGN KEY (student_id) REFERENCES public.students(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.quiz_questions
    ADD CONSTRAINT quiz_questions_quiz_id_foreign FOREIGN KEY (quiz_id) REFERENCES public.quizzes(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.quizzes
    ADD CONSTRAINT quizzes_lesson_id_foreign FOREIGN KEY (lesson_id) REFERENCES public.lessons(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.referral_contacts
    ADD CONSTRAINT referral_contacts_company_id_foreign FOREIGN KEY (company_id) REFERENCES public.companies(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.referral_contacts
    ADD CONSTRAINT referral_contacts_job_id_foreign FOREIGN KEY (job_id) REFERENCES public.jobs(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.referral_contacts
    ADD CONSTRAINT referral_contacts_managed_by_admin_id_foreign FOREIGN KEY (managed_by_admin_id) REFERENCES public.admins(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.referral_contacts
    ADD CONSTRAINT referral_contacts_student_id_foreign FOREIGN KEY (student_id) REFERENCES public.students(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.referral_contacts
    ADD CONSTRAINT referral_contacts_student_placement_id_foreign FOREIGN KEY (student_placement_id) REFERENCES public.student_placements(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.skill_synonyms
    ADD CONSTRAINT skill_synonyms_skill_id_foreign FOREIGN KEY (skill_id) REFERENCES public.skills(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.skills
    ADD CONSTRAINT skills_category_id_foreign FOREIGN KEY (category_id) REFERENCES public.categories(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.student_badges
    ADD CONSTRAINT student_badges_badge_id_foreign FOREIGN KEY (badge_id) REFERENCES public.badges(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.student_badges
    ADD CONSTRAINT student_badges_course_id_foreign FOREIGN KEY (course_id) REFERENCES public.courses(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.student_badges
    ADD CONSTRAINT student_badges_student_id_foreign FOREIGN KEY (student_id) REFERENCES public.students(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.student_embeddings
    ADD CONSTRAINT student_embeddings_student_id_foreign FOREIGN KEY (student_id) REFERENCES public.students(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.student_placements
    ADD CONSTRAINT student_placements_package_id_foreign FOREIGN KEY (package_id) REFERENCES public.placement_packages(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.student_placements
    ADD CONSTRAINT student_placements_payment_id_payment_type_foreign FOREIGN KEY (payment_id, payment_type) REFERENCES public.payments(id, payment_type) ON DELETE RESTRICT;
ALTER TABLE ONLY public.student_placements
    ADD CONSTRAINT student_placements_placed_job_id_foreign FOREIGN KEY (placed_job_id) REFERENCES public.jobs(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.student_placements
    ADD CONSTRAINT student_placements_student_id_foreign FOREIGN KEY (student_id) REFERENCES public.students(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.student_portfolios
    ADD CONSTRAINT student_portfolios_student_id_foreign FOREIGN KEY (student_id) REFERENCES public.students(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.student_skills
    ADD CONSTRAINT student_skills_skill_id_foreign FOREIGN KEY (skill_id) REFERENCES public.skills(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.student_skills
    ADD CONSTRAINT student_skills_student_id_foreign FOREIGN KEY (student_id) REFERENCES public.students(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.students
    ADD CONSTRAINT students_user_id_user_type_foreign FOREIGN KEY (user_id, user_type) REFERENCES public.users(id, user_type) ON DELETE CASCADE;
ALTER TABLE ONLY public.system_settings
    ADD CONSTRAINT system_settings_updated_by_foreign FOREIGN KEY (updated_by) REFERENCES public.users(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.webinar_registrations
    ADD CONSTRAINT webinar_registrations_payment_id_payment_type_foreign FOREIGN KEY (payment_id, payment_type) REFERENCES public.payments(id, payment_type) ON DELETE RESTRICT;
ALTER TABLE ONLY public.webinar_registrations
    ADD CONSTRAINT webinar_registrations_user_id_foreign FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.webinar_registrations
    ADD CONSTRAINT webinar_registrations_webinar_id_foreign FOREIGN KEY (webinar_id) REFERENCES public.webinars(id) ON DELETE RESTRICT;
ALTER TABLE ONLY public.webinars
    ADD CONSTRAINT webinars_category_id_foreign FOREIGN KEY (category_id) REFERENCES public.categories(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.webinars
    ADD CONSTRAINT webinars_host_user_id_foreign FOREIGN KEY (host_user_id) REFERENCES public.users(id) ON DELETE SET NULL;
SET LOCAL client_encoding = 'UTF8';
SET LOCAL standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', true);
SET LOCAL check_function_bodies = false;
SET LOCAL xmloption = content;
SET LOCAL client_min_messages = warning;
SET LOCAL row_security = off;
INSERT INTO public.recruit_db_application_transitions VALUES ('pending_admin_review', 'admin_shortlisted');
INSERT INTO public.recruit_db_application_transitions VALUES ('pending_admin_review', 'rejected_by_admin');
INSERT INTO public.recruit_db_application_transitions VALUES ('pending_admin_review', 'withdrawn');
INSERT INTO public.recruit_db_application_transitions VALUES ('admin_shortlisted', 'forwarded_to_company');
INSERT INTO public.recruit_db_application_transitions VALUES ('admin_shortlisted', 'rejected_by_admin');
INSERT INTO public.recruit_db_application_transitions VALUES ('admin_shortlisted', 'withdrawn');
INSERT INTO public.recruit_db_application_transitions VALUES ('forwarded_to_company', 'under_company_review');
INSERT INTO public.recruit_db_application_transitions VALUES ('forwarded_to_company', 'rejected_by_company');
INSERT INTO public.recruit_db_application_transitions VALUES ('forwarded_to_company', 'withdrawn');
INSERT INTO public.recruit_db_application_transitions VALUES ('under_company_review', 'interview_scheduled');
INSERT INTO public.recruit_db_application_transitions VALUES ('under_company_review', 'rejected_by_company');
INSERT INTO public.recruit_db_application_transitions VALUES ('under_company_review', 'withdrawn');
INSERT INTO public.recruit_db_application_transitions VALUES ('interview_scheduled', 'interview_completed');
INSERT INTO public.recruit_db_application_transitions VALUES ('interview_scheduled', 'rejected_by_company');
INSERT INTO public.recruit_db_application_transitions VALUES ('interview_scheduled', 'withdrawn');
INSERT INTO public.recruit_db_application_transitions VALUES ('interview_completed', 'offer_extended');
INSERT INTO public.recruit_db_application_transitions VALUES ('interview_completed', 'rejected_by_company');
INSERT INTO public.recruit_db_application_transitions VALUES ('interview_completed', 'withdrawn');
INSERT INTO public.recruit_db_application_transitions VALUES ('offer_extended', 'offer_accepted');
INSERT INTO public.recruit_db_application_transitions VALUES ('offer_extended', 'offer_rejected');
INSERT INTO public.recruit_db_application_transitions VALUES ('offer_extended', 'withdrawn');
INSERT INTO public.recruit_db_application_transitions VALUES ('offer_accepted', 'hired');
INSERT INTO public.recruit_db_application_transitions VALUES ('offer_accepted', 'withdrawn');
