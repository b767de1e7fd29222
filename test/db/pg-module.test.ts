// Loading node-postgres must not wake Node's built-in fetch: pg probes for a Cloudflare Worker by
// touching the global Response, which loads Node's own undici (~15 ms of CPU, ~40 ms of wall time
// on a busy machine) on every PostgreSQL command. A fresh process (the test worker may have touched
// Response already) loads pg as mp does and reports whether the global is still the lazy getter.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const moduleUrl = new URL('../../dist/src/db/pg-module.js', import.meta.url).href;

function probe(load: string): { lazy: boolean; pool: string; response: number } {
  const script = `${load}
const lazy = typeof Object.getOwnPropertyDescriptor(globalThis, 'Response').get === 'function';
process.stdout.write(JSON.stringify({ lazy, pool: typeof pg.Pool, response: new Response('x').status }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

describe('loading pg', () => {
  it('leaves the global Response unloaded (and working when someone does use it)', () => {
    expect(probe(`const pg = (await import(${JSON.stringify(moduleUrl)})).loadPg();`)).toEqual({ lazy: true, pool: 'function', response: 200 });
  });

  it('(a plain import of pg does load it: what the test above guards against)', () => {
    expect(probe(`const { default: pg } = await import('pg');`).lazy).toBe(false);
  });
});
