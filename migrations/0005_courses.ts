import type { Knex } from 'knex';
import { createTable, dropTables } from '../src/stores/postgres/ddl';

/**
 * Course management: courses and their skills/prerequisites, the content tree
 * (modules -> lessons -> quizzes/quiz_questions, flashcard_decks -> flashcards), reviews,
 * enrollments (linked to the payment that bought them) and per-lesson progress.
 * A course is owned by its instructor (RESTRICT: a course with students is unpublished, not deleted);
 * content rows are owned by their parent (CASCADE).
 */
const TABLES = [
  'courses',
  'course_skills',
  'course_prerequisites',
  'modules',
  'lessons',
  'quizzes',
  'quiz_questions',
  'flashcard_decks',
  'flashcards',
  'course_reviews',
  'enrollments',
  'lesson_progress',
] as const;

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'courses', (k, t) => {
    k.fk('instructor_id', 'instructors', 'RESTRICT');
    k.fk('category_id', 'categories', 'SET NULL');
    k.name('title');
    k.text('slug').unique();
    k.check('slug_format', `slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`);
    k.text('subtitle', { nullable: true });
    k.text('description', { nullable: true });
    k.enumCol('difficulty_level', 'difficulty_level', { default: 'beginner' });
    k.enumCol('pricing_model', 'pricing_model', { default: 'free' });
    k.money('price', { defaultZero: true });
    k.currency();
    k.check('free_is_free', `pricing_model <> 'free' OR price = 0`);
    t.string('language', 16).notNullable().defaultTo('en');
    k.count('duration_minutes', { default: 0 });
    k.s3Key('thumbnail_s3_key');
    t.boolean('is_published').notNullable().defaultTo(false);
    k.ts('published_at');
    k.check('published_at_when_published', 'NOT is_published OR published_at IS NOT NULL');
    k.ratingAvg();
    k.count('rating_count', { default: 0 });
    k.count('enrollment_count', { default: 0 });
    t.index(['is_published', 'difficulty_level']);
  });

  await createTable(knex, 'course_skills', (k, t) => {
    k.fk('course_id', 'courses', 'CASCADE');
    k.fk('skill_id', 'skills', 'CASCADE');
    t.unique(['course_id', 'skill_id']);
  });

  await createTable(knex, 'course_prerequisites', (k, t) => {
    k.fk('course_id', 'courses', 'CASCADE');
    k.fk('prerequisite_course_id', 'courses', 'CASCADE');
    t.boolean('is_mandatory').notNullable().defaultTo(true);
    t.unique(['course_id', 'prerequisite_course_id']);
    k.check('not_self', 'course_id <> prerequisite_course_id');
  });

  await createTable(knex, 'modules', (k, t) => {
    k.fk('course_id', 'courses', 'CASCADE');
    k.name('title');
    k.text('description', { nullable: true });
    k.positive('position');
    t.unique(['course_id', 'position']);
  });

  await createTable(knex, 'lessons', (k, t) => {
    k.fk('module_id', 'modules', 'CASCADE');
    k.name('title');
    k.enumCol('content_type', 'content_type');
    k.positive('position');
    k.s3Key('content_s3_key');
    k.text('content_text', { nullable: true });
    k.text('external_url', { nullable: true });
    k.count('duration_minutes', { default: 0 });
    t.boolean('is_preview').notNullable().defaultTo(false);
    k.check('external_link_has_url', `content_type <> 'external_link' OR external_url IS NOT NULL`);
    k.check(
      'file_content_has_s3_key',
      `content_type NOT IN ('video', 'pdf', 'audio', 'image', 'scorm_package') OR content_s3_key IS NOT NULL`,
    );
    t.unique(['module_id', 'position']);
  });

  await createTable(knex, 'quizzes', (k) => {
    k.fk('lesson_id', 'lessons', 'CASCADE');
    k.name('title');
    k.text('description', { nullable: true });
    k.percent('passing_score', { default: 70 });
    k.positive('time_limit_minutes', { nullable: true });
    k.positive('max_attempts', { nullable: true });
    k.t.boolean('shuffle_questions').notNullable().defaultTo(false);
  });

  await createTable(knex, 'quiz_questions', (k, t) => {
    k.fk('quiz_id', 'quizzes', 'CASCADE');
    k.enumCol('question_type', 'question_type');
    k.name('prompt');
    // Document-shaped: [{ "key": "a", "text": "..." }, ...] (empty for short_answer).
    k.document('options', 'array', { default: '[]' });
    // Shape depends on question_type: "a" | ["a","c"] | true | ["accepted answer", ...].
    k.document('correct_answer', 'any');
    k.text('explanation', { nullable: true });
    t.decimal('points', 6, 2).notNullable().defaultTo(1);
    k.check('points_nonneg', 'points >= 0');
    k.positive('position');
    t.unique(['quiz_id', 'position']);
  });

  await createTable(knex, 'flashcard_decks', (k) => {
    k.fk('course_id', 'courses', 'CASCADE');
    k.fk('lesson_id', 'lessons', 'SET NULL');
    k.name('title');
    k.text('description', { nullable: true });
  });

  await createTable(knex, 'flashcards', (k, t) => {
    k.fk('deck_id', 'flashcard_decks', 'CASCADE');
    k.name('front');
    k.name('back');
    k.text('hint', { nullable: true });
    k.positive('position');
    t.unique(['deck_id', 'position']);
  });

  await createTable(knex, 'course_reviews', (k, t) => {
    k.fk('student_id', 'students', 'CASCADE');
    k.fk('course_id', 'courses', 'CASCADE');
    k.rating('rating');
    k.text('title', { nullable: true });
    k.text('body', { nullable: true });
    t.unique(['student_id', 'course_id']);
  });

  await createTable(knex, 'enrollments', (k, t) => {
    k.fk('student_id', 'students', 'CASCADE');
    k.fk('course_id', 'courses', 'RESTRICT');
    k.enumCol('status', 'enrollment_status', { default: 'in_progress' });
    k.percent('progress_percent', { default: 0 });
    k.ts('enrolled_at', { defaultNow: true });
    k.ts('completed_at');
    k.ts('expires_at');
    k.ts('last_accessed_at');
    k.fk('payment_id', 'payments', 'RESTRICT', { nullable: true });
    k.s3Key('certificate_s3_key');
    k.ts('certificate_issued_at');
    k.check('completed_at_when_completed', `status <> 'completed' OR completed_at IS NOT NULL`);
    k.check('certificate_only_when_completed', `certificate_s3_key IS NULL OR status = 'completed'`);
    t.unique(['student_id', 'course_id']);
    t.index(['course_id', 'status']);
  });

  await createTable(knex, 'lesson_progress', (k, t) => {
    k.fk('enrollment_id', 'enrollments', 'CASCADE');
    k.fk('lesson_id', 'lessons', 'CASCADE');
    k.percent('progress_percent', { default: 0 });
    k.count('time_spent_seconds', { default: 0 });
    k.count('last_position_seconds', { default: 0 });
    k.ts('started_at', { defaultNow: true });
    k.ts('completed_at');
    t.unique(['enrollment_id', 'lesson_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropTables(knex, [...TABLES].reverse());
}
