import { join } from 'node:path';
import { freshStores, migrateStores } from '../../tests/helpers/stores';
import { REPO, timeOk, load1 } from '../lib';
async function seed(label: string, extraEnv: Record<string, string>, only: string[]) {
  const { config, env, cleanup } = await freshStores('rdblanes');
  try {
    await migrateStores(config);
    const t = await timeOk(process.execPath, [join(REPO, 'bin/recruit-db'), 'seed', '--profile', 'medium', '--seed', '1', '--json', ...only], { env: { ...env, ...extraEnv }, cpu: true });
    const out = JSON.parse(t.stdout);
    console.log(label, (t.ms / 1000).toFixed(1), 's', 'load', load1(), JSON.stringify(Object.fromEntries(Object.entries(out.timings).map(([k, v]: any) => [k, (v.ms / 1000).toFixed(1)]))), out.hash.slice(0, 12));
  } finally {
    await cleanup().catch(() => undefined);
  }
}
(async () => {
  const rounds = Number(process.argv[2] ?? 1);
  for (let i = 0; i < rounds; i++) {
    await seed('chain   ', {}, []);
    await seed('parallel', { RECRUIT_DB_SEED_LANES: 'parallel' }, []);
    await seed('s3 only ', {}, ['--only', 's3']);
  }
})();
