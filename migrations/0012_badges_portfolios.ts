import type { Knex } from 'knex';
import { createTable, dropTables } from '../src/stores/postgres/ddl';

/** Badges & portfolios: achievement badges, earned badges, portfolio projects and their skills. */
const TABLES = ['badges', 'student_badges', 'student_portfolios', 'portfolio_skills'] as const;

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'badges', (k) => {
    k.name('name');
    k.uniqueLower('name');
    k.text('description', { nullable: true });
    k.text('criteria', { nullable: true });
    k.text('icon_url', { nullable: true });
    k.count('points', { default: 0 });
  });

  await createTable(knex, 'student_badges', (k, t) => {
    k.fk('student_id', 'students', 'CASCADE');
    k.fk('badge_id', 'badges', 'CASCADE');
    k.fk('course_id', 'courses', 'SET NULL');
    k.ts('awarded_at', { defaultNow: true });
    t.unique(['student_id', 'badge_id']);
  });

  await createTable(knex, 'student_portfolios', (k, t) => {
    k.fk('student_id', 'students', 'CASCADE');
    k.name('title');
    k.text('description', { nullable: true });
    k.text('project_url', { nullable: true });
    k.text('repository_url', { nullable: true });
    k.s3Key('image_s3_key');
    t.date('started_on');
    t.date('completed_on');
    k.check('completed_after_started', 'completed_on IS NULL OR started_on IS NULL OR completed_on >= started_on');
    t.boolean('is_public').notNullable().defaultTo(true);
    k.count('position', { default: 0 });
    t.index(['student_id', 'position']);
  });

  await createTable(knex, 'portfolio_skills', (k, t) => {
    k.fk('portfolio_id', 'student_portfolios', 'CASCADE');
    k.fk('skill_id', 'skills', 'CASCADE');
    t.unique(['portfolio_id', 'skill_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropTables(knex, [...TABLES].reverse());
}
