import type * as Pg from 'pg';

/**
 * The `pg` driver, loaded on first use (importing the store's modules costs nothing until a
 * connection is opened), once for the whole tool.
 *
 * pg decides at load time whether it runs inside a Cloudflare Worker: where `navigator` is missing
 * (Node 20) it constructs a `Response`, and that first touch of the global makes Node load its
 * whole fetch implementation (undici): ~20 ms of a ~140 ms `migrate` with nothing to do, for a
 * class no command uses. For that one synchronous require the global reads as undefined; then its
 * own (lazy) definition is put back unchanged. Where `navigator` exists (Node 21+), pg answers from
 * it and nothing is hidden.
 */
function load(): typeof Pg {
  const response = Object.getOwnPropertyDescriptor(globalThis, 'Response');
  if (typeof (globalThis as { navigator?: unknown }).navigator === 'object' || !response?.configurable) return require('pg');
  Object.defineProperty(globalThis, 'Response', { value: undefined, configurable: true, writable: true });
  try {
    return require('pg');
  } finally {
    Object.defineProperty(globalThis, 'Response', response);
  }
}

let driver: typeof Pg | undefined;

export function pgDriver(): typeof Pg {
  return (driver ??= load());
}
