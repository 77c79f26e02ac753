import type { Knex } from 'knex';
import { createTable, dropTables } from '../src/stores/postgres/ddl';

/** Skills & categories: hierarchical categories, master skills (+ synonyms) and student skills. */
const TABLES = ['categories', 'skills', 'skill_synonyms', 'student_skills'] as const;

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'categories', (k, t) => {
    k.fk('parent_id', 'categories', 'SET NULL');
    k.name('name');
    k.text('slug').unique();
    k.check('slug_format', `slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`);
    k.text('description', { nullable: true });
    k.count('position', { default: 0 });
    k.check('not_own_parent', 'parent_id IS NULL OR parent_id <> id');
    t.index(['parent_id', 'position']);
  });

  await createTable(knex, 'skills', (k) => {
    k.name('name');
    k.uniqueLower('name');
    k.fk('category_id', 'categories', 'SET NULL');
    k.text('description', { nullable: true });
  });

  await createTable(knex, 'skill_synonyms', (k) => {
    k.fk('skill_id', 'skills', 'CASCADE');
    k.name('synonym');
    k.uniqueLower('synonym');
  });

  await createTable(knex, 'student_skills', (k, t) => {
    k.fk('student_id', 'students', 'CASCADE');
    k.fk('skill_id', 'skills', 'CASCADE');
    t.smallint('proficiency').notNullable().defaultTo(3);
    k.check('proficiency_range', 'proficiency BETWEEN 1 AND 5');
    t.decimal('years_of_experience', 4, 1);
    k.check('years_of_experience_range', 'years_of_experience BETWEEN 0 AND 80');
    t.boolean('is_verified').notNullable().defaultTo(false);
    t.unique(['student_id', 'skill_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropTables(knex, [...TABLES].reverse());
}
