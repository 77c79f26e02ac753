import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecruitDbError, type StoreName } from '../errors';
import { ROOT } from '../paths';
import { parseShape, ShapeFileError, type ShapeFile } from '../stores/shape-file';
import type { ShapeConditions } from '../stores/shapes';

/**
 * Where each store's expected shape is committed, and which variant of it a live target should
 * match. The files sit beside what they describe, named so that neither the plain `knex` CLI
 * (knexfile.ts loads only `.ts` from migrations/) nor the plain `migrate-mongo` CLI (it runs the
 * compiled `.js` in dist/mongo-migrations) nor recruit-db's own `make` (it numbers `NNNN_*` files)
 * takes them for a migration.
 */
export const EXPECTED_SHAPE_FILE = 'expected-shape.txt';

/** The folder the store's migrations are read from, which is where its expected shape lives. */
export function expectedShapePath(store: Exclude<StoreName, 's3'>, env: NodeJS.ProcessEnv = process.env): string {
  if (store === 'postgres') return join(env.RECRUIT_DB_MIGRATIONS_DIR || join(ROOT, 'migrations'), EXPECTED_SHAPE_FILE);
  // The Mongo scripts run compiled from dist/; their sources, and the shape, are in mongo-migrations/.
  return join(env.RECRUIT_DB_MONGO_MIGRATIONS_DIR || join(ROOT, 'mongo-migrations'), EXPECTED_SHAPE_FILE);
}

/** The S3 shape is the layout's, rendered for review (verify computes it from s3-layout for the target's settings). */
export function s3ShapePath(): string {
  return join(ROOT, 's3-layout', EXPECTED_SHAPE_FILE);
}

export interface LoadedShape extends ShapeFile {
  path: string;
}

/** The committed expected shape, or undefined when the folder has none (a custom migrations folder). */
export function loadExpectedShape(store: Exclude<StoreName, 's3'>, env: NodeJS.ProcessEnv = process.env): LoadedShape | undefined {
  const path = expectedShapePath(store, env);
  if (!existsSync(path)) return undefined;
  try {
    return { ...parseShape(readFileSync(path, 'utf8'), path), path };
  } catch (err) {
    if (!(err instanceof ShapeFileError)) throw err;
    throw new RecruitDbError({
      code: 'bad-expected-shape',
      store,
      message: `the expected shape is unreadable: ${err.message}`,
      hint: 'regenerate it with `recruit-db schema dump` (it is written, never edited by hand)',
    });
  }
}

/** How a target's conditions read in a report: "with btree_gist, without pgvector". */
export function describeConditions(conditions: ShapeConditions): string {
  const entries = Object.entries(conditions).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.map(([k, v]) => `${v ? 'with' : 'without'} ${k}`).join(', ');
}
