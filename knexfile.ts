import { join } from 'node:path';
import type { Knex } from 'knex';
import { loadConfig, requireStore } from './src/config';

/**
 * For the plain knex CLI (`npx knex --knexfile knexfile.ts migrate:latest`), on the same files and
 * the same knex_migrations table as `recruit-db migrate`: knex records `0001_x.ts`, the name
 * recruit-db records too, so either tool sees what the other applied. DATABASE_URL is read the
 * recruit-db way (flags aside): the environment, then ./.env.
 */
const pg = requireStore(loadConfig(), 'postgres');

const config: Knex.Config = {
  client: 'pg',
  connection: pg.url,
  migrations: {
    directory: join(__dirname, 'migrations'),
    tableName: 'knex_migrations',
    extension: 'ts',
    loadExtensions: ['.ts'],
  },
};

export default config;
