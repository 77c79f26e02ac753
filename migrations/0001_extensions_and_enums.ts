import type { Knex } from 'knex';
import {
  createEnum,
  createUpdatedAtFunction,
  dropEnum,
  dropExtensionIfCreated,
  dropUpdatedAtFunction,
  ensureExtension,
} from '../src/stores/postgres/ddl';

/**
 * The 21 enum types of SCHEMA_SUMMARY.md (names, labels and label order exactly as documented),
 * the shared updated_at trigger function, and the optional extensions:
 *  - btree_gist: mentor double-booking exclusion constraint (0009); without it a trigger guards.
 *  - vector (pgvector): embedding columns (0014); without it they are real[].
 * gen_random_uuid() is built into PostgreSQL 13+, so pgcrypto is not needed.
 * An extension is dropped by `down` only if this `up` installed it (it is marked with a comment).
 */
export const ENUMS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['user_type', ['student', 'company', 'admin', 'instructor', 'mentor']],
  ['user_status', ['active', 'inactive', 'suspended', 'pending_verification']],
  ['difficulty_level', ['beginner', 'intermediate', 'advanced']],
  ['content_type', ['video', 'text', 'pdf', 'audio', 'image', 'quiz', 'flashcard', 'scorm_package', 'external_link']],
  ['question_type', ['multiple_choice', 'true_false', 'short_answer', 'multiple_select']],
  ['enrollment_status', ['in_progress', 'completed', 'dropped', 'expired']],
  ['payment_status', ['pending', 'completed', 'failed', 'refunded', 'cancelled']],
  [
    'payment_type',
    [
      'course_purchase',
      'webinar_purchase',
      'material_purchase',
      'mentor_session',
      'referral_package',
      'placement_package',
      'subscription',
      'company_candidate_fee',
    ],
  ],
  ['pricing_model', ['free', 'one_time', 'subscription']],
  ['employment_type', ['full_time', 'part_time', 'contract', 'internship', 'freelance']],
  ['remote_type', ['remote', 'on_site', 'hybrid']],
  [
    'application_status',
    [
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
      'withdrawn',
    ],
  ],
  ['candidate_stage', ['new_candidates', 'under_review', 'interviewing', 'offer_extended', 'hired', 'rejected']],
  ['job_status', ['draft', 'active', 'paused', 'closed', 'filled']],
  ['webinar_status', ['scheduled', 'live', 'completed', 'cancelled']],
  ['registration_status', ['registered', 'attended', 'cancelled', 'no_show']],
  ['session_status', ['scheduled', 'completed', 'cancelled', 'no_show', 'rescheduled']],
  ['referral_status', ['pending', 'contacted', 'interested', 'not_interested', 'converted']],
  ['placement_status', ['active', 'completed', 'expired', 'cancelled']],
  [
    'notification_type',
    [
      'course_update',
      'job_match',
      'application_update',
      'webinar_reminder',
      'payment_confirmation',
      'mentor_session',
      'referral_update',
      'system_announcement',
    ],
  ],
  ['admin_role', ['super_admin', 'content_manager', 'recruitment_manager', 'finance_manager', 'support_admin']],
];

const OPTIONAL_EXTENSIONS = ['btree_gist', 'vector'] as const;

export async function up(knex: Knex): Promise<void> {
  for (const ext of OPTIONAL_EXTENSIONS) await ensureExtension(knex, ext);
  for (const [name, labels] of ENUMS) await createEnum(knex, name, labels);
  await createUpdatedAtFunction(knex);
}

export async function down(knex: Knex): Promise<void> {
  await dropUpdatedAtFunction(knex);
  for (const [name] of [...ENUMS].reverse()) await dropEnum(knex, name);
  for (const ext of [...OPTIONAL_EXTENSIONS].reverse()) await dropExtensionIfCreated(knex, ext);
}
