// Loads node-postgres without its Cloudflare probe's cost. When pg loads (lib/stream.js) it asks
// whether it runs in a Cloudflare Worker; on Node 20, which has no `navigator`, it does so by
// touching the global `Response`, and that first touch loads Node's whole built-in fetch (its own
// undici): ~40 ms of start-up on every PostgreSQL command, for a class mp never uses. The global is
// hidden for the duration of the synchronous require, so the probe answers "not Cloudflare" at once,
// then put back as it was (still lazy: nothing loads until someone uses it).
import { createRequire } from 'node:module';
import type pgTypes from 'pg';

const require = createRequire(import.meta.url);

export type Pg = typeof pgTypes;

/** node-postgres (its module.exports), loaded without waking the global Response. */
export function loadPg(): Pg {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'Response');
  const hide = descriptor?.configurable === true;
  if (hide) Object.defineProperty(globalThis, 'Response', { value: undefined, configurable: true, writable: true, enumerable: false });
  try {
    return require('pg') as Pg;
  } finally {
    if (hide) Object.defineProperty(globalThis, 'Response', descriptor);
  }
}
