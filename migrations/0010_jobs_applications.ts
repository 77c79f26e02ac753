import type { Knex } from 'knex';
import { createTable, dropTables } from '../src/stores/postgres/ddl';

/**
 * Jobs & applications: postings and their skills, one application per (student, job) with the
 * admin-side status (application_status) and the company-side pipeline stage (candidate_stage),
 * the status audit trail, and interview slots.
 */
const TABLES = ['jobs', 'job_skills', 'applications', 'application_status_history', 'interview_slots'] as const;

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'jobs', (k, t) => {
    k.fk('company_id', 'companies', 'CASCADE');
    k.fk('category_id', 'categories', 'SET NULL');
    k.fk('posted_by_user_id', 'users', 'SET NULL');
    k.name('title');
    k.name('description');
    k.enumCol('employment_type', 'employment_type');
    k.enumCol('remote_type', 'remote_type');
    k.enumCol('status', 'job_status', { default: 'draft' });
    k.text('location', { nullable: true });
    k.money('salary_min', { nullable: true });
    k.money('salary_max', { nullable: true });
    k.currency();
    k.check('salary_range', 'salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max');
    k.count('experience_min_years', { nullable: true });
    k.count('experience_max_years', { nullable: true });
    k.check(
      'experience_range',
      'experience_min_years IS NULL OR experience_max_years IS NULL OR experience_min_years <= experience_max_years',
    );
    k.positive('openings', { default: 1 });
    k.ts('published_at');
    k.ts('closes_at');
    k.check('closes_after_published', 'closes_at IS NULL OR published_at IS NULL OR closes_at > published_at');
    k.ts('filled_at');
    k.check('published_at_when_live', `status = 'draft' OR published_at IS NOT NULL`);
    t.index(['status', 'published_at']);
  });

  await createTable(knex, 'job_skills', (k, t) => {
    k.fk('job_id', 'jobs', 'CASCADE');
    k.fk('skill_id', 'skills', 'CASCADE');
    t.boolean('is_required').notNullable().defaultTo(true);
    t.decimal('min_years', 4, 1);
    k.check('min_years_range', 'min_years BETWEEN 0 AND 80');
    t.unique(['job_id', 'skill_id']);
  });

  await createTable(knex, 'applications', (k, t) => {
    k.fk('student_id', 'students', 'CASCADE');
    k.fk('job_id', 'jobs', 'CASCADE');
    k.enumCol('status', 'application_status', { default: 'pending_admin_review' });
    k.enumCol('stage', 'candidate_stage', { default: 'new_candidates' });
    k.text('cover_letter', { nullable: true });
    // The resume as submitted (a copy of students.resume_s3_key at apply time).
    k.s3Key('resume_s3_key');
    k.ts('applied_at', { defaultNow: true });
    k.fk('reviewed_by_admin_id', 'admins', 'SET NULL');
    k.ts('admin_reviewed_at');
    k.text('admin_notes', { nullable: true });
    k.ts('forwarded_at');
    k.check('forwarded_after_applied', 'forwarded_at IS NULL OR forwarded_at >= applied_at');
    k.text('company_notes', { nullable: true });
    k.ts('withdrawn_at');
    k.check('withdrawn_at_when_withdrawn', `status <> 'withdrawn' OR withdrawn_at IS NOT NULL`);
    t.unique(['student_id', 'job_id']);
    t.index(['job_id', 'status']);
    t.index(['status', 'applied_at']);
  });

  await createTable(knex, 'application_status_history', (k, t) => {
    k.fk('application_id', 'applications', 'CASCADE');
    k.enumCol('from_status', 'application_status', { nullable: true });
    k.enumCol('to_status', 'application_status');
    k.check('changes_status', 'from_status IS NULL OR from_status <> to_status');
    k.fk('changed_by', 'users', 'SET NULL');
    k.text('note', { nullable: true });
    k.ts('changed_at', { defaultNow: true });
    t.index(['application_id', 'changed_at']);
  });

  await createTable(knex, 'interview_slots', (k, t) => {
    k.fk('application_id', 'applications', 'CASCADE');
    k.fk('scheduled_by_user_id', 'users', 'SET NULL');
    k.ts('starts_at', { nullable: false });
    k.ts('ends_at', { nullable: false });
    k.period('starts_at', 'ends_at');
    t.string('timezone', 64).notNullable().defaultTo('UTC');
    k.enumCol('status', 'session_status', { default: 'scheduled' });
    k.text('location', { nullable: true });
    k.text('meeting_url', { nullable: true });
    k.text('interviewer_name', { nullable: true });
    k.text('feedback', { nullable: true });
    k.rating('rating', { nullable: true });
    t.index(['application_id', 'starts_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropTables(knex, [...TABLES].reverse());
}
