import type { Db } from 'mongodb';
import { ensureCollection, type CommandTarget } from '../src/stores/mongo/apply';
import { RELEASE_1 } from '../src/stores/mongo/release1';
import { release2 } from '../src/stores/mongo/release2';

/**
 * The five collections whose documents did not change shape get their second-release validators:
 * the same rules, without the empty `required: []` lists that MongoDB refuses ("$jsonSchema keyword
 * 'required' cannot be an empty array"). Indexes are unchanged.
 */
const NAMES = ['learning_progress', 'flashcard_progress', 'analytics_aggregates', 'resume_analysis', 'course_engagement'];

export async function up(db: Db | CommandTarget): Promise<void> {
  for (const name of NAMES) await ensureCollection(db as CommandTarget, release2(name));
}

export async function down(db: Db | CommandTarget): Promise<void> {
  for (const name of [...NAMES].reverse()) await ensureCollection(db as CommandTarget, RELEASE_1.find((c) => c.name === name)!);
}
