import { Option } from 'commander';
import type { StoreName } from '../errors';

export const STORES: StoreName[] = ['postgres', 'mongo', 's3'];

/** `--only postgres,mongo` (repeatable or comma-separated) restricts a command to some stores. */
export function onlyOption(stores: StoreName[] = STORES): Option {
  return new Option('--only <stores>', `restrict to some stores: ${stores.join(', ')} (comma-separated)`).argParser((value: string, previous: StoreName[] | undefined) => {
    const picked = value.split(',').map((s) => s.trim()).filter(Boolean);
    // `--only ""` (an unset shell variable) must not quietly mean "every store".
    if (!picked.length) throw new (require('commander').InvalidArgumentError)(`names no store; use one or more of ${stores.join(', ')}`);
    for (const s of picked) {
      if (!stores.includes(s as StoreName)) {
        throw new (require('commander').InvalidArgumentError)(`unknown store "${s}"; use one of ${stores.join(', ')}`);
      }
    }
    return [...new Set([...(previous ?? []), ...(picked as StoreName[])])];
  });
}

export function selectedStores(only: StoreName[] | undefined, stores: StoreName[] = STORES): StoreName[] {
  return only && only.length ? stores.filter((s) => only.includes(s)) : stores;
}
