import { openPool } from 'recruit-db/dist/src/ci';

// Once per run, before any worker starts: the template (built if its key is new) and a stack per worker.
export default async function setup() {
  const pool = await openPool(); // settings from the environment / .env; RECRUIT_DB_CI_POOL names the pool
  await pool.warm(2); // = poolOptions.forks.maxForks
  return () => pool.close();
}
