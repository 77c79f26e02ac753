// Configuration for the plain migrate-mongo CLI (`npx migrate-mongo status|up|down`), built from
// recruit-db's own configuration (MONGODB_URI, MONGODB_DB, .env), so both run the same scripts
// against the same database and changelog.
//
// The scripts are TypeScript in mongo-migrations/ and migrate-mongo can only load JavaScript, so it
// runs the compiled copies in dist/mongo-migrations: run `npm run build` first.
//
// migrate-mongo's own lock is disabled here (lockTtl: 0): it is check-then-insert and creates a TTL
// index FerretDB rejects. `recruit-db migrate` takes an atomic lease lock around the same scripts;
// the plain CLI runs without one, so do not run it concurrently with other migration runs.
'use strict';
const { existsSync } = require('fs');
const { join } = require('path');

const built = join(__dirname, 'dist', 'src', 'stores', 'mongo', 'mmconfig.js');
if (!existsSync(built)) {
  throw new Error('recruit-db is not built yet: run `npm run build` (migrate-mongo runs the compiled scripts in dist/mongo-migrations)');
}
const { loadConfig } = require('./dist/src/config.js');
const { migrateMongoConfig } = require(built);

module.exports = migrateMongoConfig(loadConfig());
