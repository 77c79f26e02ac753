import type { Knex } from 'knex';
import { createTable, dropTables } from '../src/stores/postgres/ddl';

/** Assessments: quiz attempts (answers are document-shaped, keyed by question id). */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'quiz_attempts', (k, t) => {
    k.fk('quiz_id', 'quizzes', 'CASCADE');
    k.fk('student_id', 'students', 'CASCADE');
    k.fk('enrollment_id', 'enrollments', 'SET NULL');
    k.positive('attempt_number', { default: 1 });
    k.ts('started_at', { defaultNow: true });
    k.ts('submitted_at');
    k.period('started_at', 'submitted_at', { allowEqual: true });
    k.percent('score_percent', { nullable: true });
    t.boolean('passed');
    k.check('graded_when_submitted', 'submitted_at IS NOT NULL OR (score_percent IS NULL AND passed IS NULL)');
    k.document('answers', 'object', { default: '{}' });
    t.unique(['quiz_id', 'student_id', 'attempt_number']);
    t.index(['student_id', 'started_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropTables(knex, ['quiz_attempts']);
}
