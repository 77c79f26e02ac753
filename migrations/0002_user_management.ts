import type { Knex } from 'knex';
import { createTable, dropTables } from '../src/stores/postgres/ddl';

/**
 * User management: the users table (authentication) and the one-to-one profile tables
 * (students, companies, admins, instructors, mentors; each user_id UNIQUE, ON DELETE CASCADE),
 * plus notifications and per-type notification preferences.
 */
const TABLES = [
  'users',
  'students',
  'companies',
  'admins',
  'instructors',
  'mentors',
  'notifications',
  'notification_preferences',
] as const;

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'users', (k, t) => {
    k.text('email');
    k.check('email_format', `email ~ '^[^@[:space:]]+@[^@[:space:]]+$'`);
    k.uniqueLower('email');
    k.text('password_hash');
    k.check('password_hash_not_blank', `password_hash <> ''`);
    k.enumCol('user_type', 'user_type');
    k.enumCol('status', 'user_status', { default: 'pending_verification' });
    k.name('first_name');
    k.name('last_name');
    k.text('phone', { nullable: true });
    k.s3Key('avatar_s3_key');
    t.string('timezone', 64).notNullable().defaultTo('UTC');
    k.ts('email_verified_at');
    k.ts('last_login_at');
    t.index(['user_type', 'status']);
  });

  await createTable(knex, 'students', (k, t) => {
    k.fk('user_id', 'users', 'CASCADE').unique();
    k.text('headline', { nullable: true });
    k.text('bio', { nullable: true });
    t.date('date_of_birth');
    k.text('location', { nullable: true });
    k.text('education_level', { nullable: true });
    t.smallint('graduation_year');
    k.check('graduation_year_range', 'graduation_year BETWEEN 1950 AND 2100');
    t.decimal('years_of_experience', 4, 1).notNullable().defaultTo(0);
    k.check('years_of_experience_range', 'years_of_experience BETWEEN 0 AND 80');
    k.s3Key('resume_s3_key');
    k.ts('resume_uploaded_at');
    k.text('linkedin_url', { nullable: true });
    k.text('github_url', { nullable: true });
    t.boolean('open_to_work').notNullable().defaultTo(true);
  });

  await createTable(knex, 'companies', (k, t) => {
    k.fk('user_id', 'users', 'CASCADE').unique();
    k.name('name');
    k.text('website', { nullable: true });
    k.text('industry', { nullable: true });
    k.text('company_size', { nullable: true });
    k.check('company_size_values', `company_size IN ('1-10','11-50','51-200','201-500','501-1000','1001-5000','5000+')`);
    k.text('description', { nullable: true });
    k.s3Key('logo_s3_key');
    k.text('headquarters', { nullable: true });
    k.text('billing_email', { nullable: true });
    k.ts('verified_at');
    t.index(['name']);
  });

  await createTable(knex, 'admins', (k) => {
    k.fk('user_id', 'users', 'CASCADE').unique();
    k.enumCol('role', 'admin_role', { default: 'support_admin' });
    k.text('department', { nullable: true });
  });

  await createTable(knex, 'instructors', (k) => {
    k.fk('user_id', 'users', 'CASCADE').unique();
    k.text('headline', { nullable: true });
    k.text('bio', { nullable: true });
    k.text('expertise', { nullable: true });
    k.text('website', { nullable: true });
    k.ratingAvg();
    k.count('rating_count', { default: 0 });
  });

  await createTable(knex, 'mentors', (k, t) => {
    k.fk('user_id', 'users', 'CASCADE').unique();
    k.text('headline', { nullable: true });
    k.text('bio', { nullable: true });
    k.text('expertise', { nullable: true });
    k.count('years_of_experience', { default: 0 });
    k.money('hourly_rate', { defaultZero: true });
    k.currency();
    t.boolean('is_available').notNullable().defaultTo(true);
    k.ratingAvg();
    k.count('rating_count', { default: 0 });
  });

  await createTable(knex, 'notifications', (k, t) => {
    k.fk('user_id', 'users', 'CASCADE');
    k.enumCol('notification_type', 'notification_type');
    k.name('title');
    k.text('body', { nullable: true });
    k.document('payload', 'object', { default: '{}' });
    k.ts('read_at');
    k.ts('sent_at');
    t.index(['user_id', 'created_at']);
  });

  await createTable(knex, 'notification_preferences', (k, t) => {
    k.fk('user_id', 'users', 'CASCADE');
    k.enumCol('notification_type', 'notification_type');
    t.boolean('email_enabled').notNullable().defaultTo(true);
    t.boolean('in_app_enabled').notNullable().defaultTo(true);
    t.boolean('push_enabled').notNullable().defaultTo(false);
    t.unique(['user_id', 'notification_type']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropTables(knex, [...TABLES].reverse());
}
