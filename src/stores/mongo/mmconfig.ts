import { join } from 'node:path';
import type { Config } from '../../config';
import { requireStore } from '../../config';
import { ROOT } from '../../paths';
import { INTERNAL } from './collections';
import { mongoClientOptions } from './connect';

/**
 * Where migrate-mongo loads the scripts from. The sources are TypeScript in mongo-migrations/;
 * migrate-mongo can only `require` JavaScript, so it always runs the compiled copies in
 * dist/mongo-migrations (`npm run build`), under the CLI and under vitest alike.
 * RECRUIT_DB_MONGO_MIGRATIONS_DIR points somewhere else (tests use temporary folders).
 */
export function mongoMigrationsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RECRUIT_DB_MONGO_MIGRATIONS_DIR || join(ROOT, 'dist', 'mongo-migrations');
}

export interface MigrateMongoConfig {
  mongodb: { url: string; databaseName: string; options: Record<string, unknown> };
  migrationsDir: string;
  changelogCollectionName: string;
  /** 0 disables migrate-mongo's own lock (check-then-insert, plus an unawaited TTL index). */
  lockTtl: number;
  lockCollectionName: string;
  useFileHash: boolean;
  migrationFileExtension: string;
  moduleSystem: 'commonjs';
}

/** migrate-mongo's configuration, built from recruit-db's own (the CLI and migrate-mongo-config.js share it). */
export function migrateMongoConfig(config: Config, migrationsDir = mongoMigrationsDir()): MigrateMongoConfig {
  const mongo = requireStore(config, 'mongo');
  return {
    mongodb: { url: mongo.uri, databaseName: mongo.db, options: { ...mongoClientOptions(config.timeoutMs) } },
    migrationsDir,
    changelogCollectionName: INTERNAL.changelog,
    lockTtl: 0,
    // Never ours: migrate-mongo's clear() empties its lock collection.
    lockCollectionName: 'changelog_lock',
    // Re-running an edited script is never what we want (migrate-mongo would apply it a second time).
    useFileHash: false,
    migrationFileExtension: '.js',
    moduleSystem: 'commonjs',
  };
}
