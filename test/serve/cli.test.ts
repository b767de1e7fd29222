// `mp serve token create|list|revoke` and `mp serve` start-up as subprocesses (both engines): the token
// shown once and never again, scoped to MP_USER; a public --host warns unless TLS is in front.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMp, startMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let h: TestDatabase;
let home: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  h = await createTestDatabase();
  home = mkdtempSync(join(tmpdir(), 'mp-serve-'));
  env = h.url ? { DATABASE_URL: h.url, MP_HOME: home, MP_USER: 'alice' } : { MP_HOME: home, MP_USER: 'alice' };
});
afterAll(async () => {
  await h?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('mp serve token', () => {
  it('create prints the token once (stdout), list shows its prefix only, per user; revoke; bad scope exits 2', async () => {
    const created = await runMp(['serve', 'token', 'create', '--name', 'bot', '--scope', 'read', '--scope', 'write'], { env, timeoutMs: 150_000 });
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^mpt_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('shown this once');
    const list = await runMp(['--json', 'serve', 'token', 'list'], { env, timeoutMs: 150_000 });
    expect(list.code, list.stderr).toBe(0);
    const rows = JSON.parse(list.stdout);
    expect(rows).toEqual([expect.objectContaining({ name: 'bot', prefix: token.slice(0, 12), scopes: ['read', 'write'], revokedAt: null })]);
    expect(list.stdout).not.toContain(token.slice(12));
    const bob = await runMp(['--json', 'serve', 'token', 'list'], { env: { ...env, MP_USER: 'bob' }, timeoutMs: 150_000 });
    expect(JSON.parse(bob.stdout)).toEqual([]);
    const notBobs = await runMp(['serve', 'token', 'revoke', 'bot'], { env: { ...env, MP_USER: 'bob' }, timeoutMs: 150_000 });
    expect(notBobs.code).toBe(1);
    expect(notBobs.stderr).toContain('API_TOKEN_NOT_FOUND');
    const revoked = await runMp(['serve', 'token', 'revoke', 'bot'], { env, timeoutMs: 150_000 });
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse((await runMp(['--json', 'serve', 'token', 'list'], { env, timeoutMs: 150_000 })).stdout)).toEqual([]);
    const bad = await runMp(['serve', 'token', 'create', '--name', 'x', '--scope', 'root'], { env, timeoutMs: 150_000 });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--scope must be read, write, payouts');
  }, 300_000);
});

describe('mp serve start-up', () => {
  it('--host 0.0.0.0 warns that traffic is clear text unless --tls-proxy; the default 127.0.0.1 does not', async () => {
    for (const [args, warns] of [
      [['--host', '0.0.0.0'], true],
      [['--host', '0.0.0.0', '--tls-proxy'], false],
      [[], false],
    ] as const) {
      const bg = startMp(['serve', '--port', '0', ...args], env);
      try {
        for (let i = 0; i < 1200 && !bg.stderr().includes('listening on'); i++) await new Promise((r) => setTimeout(r, 50));
        expect(bg.stderr()).toContain('listening on');
        expect(bg.stderr().includes('clear text'), bg.stderr()).toBe(warns);
      } finally {
        bg.child.kill('SIGTERM');
        await bg.exit;
      }
    }
  }, 300_000);
});

describe('start-up stays light', () => {
  it('`mp --help` and `mp serve token --help` load neither the schema library nor prom-client (only `mp serve` does)', () => {
    const hook = join(home, 'hook.mjs');
    const watch = `export async function resolve(s, c, next) { const r = await next(s, c); if (/typebox|prom-client/.test(r.url)) process.stderr.write('LOADED ' + r.url + '\\n'); return r; }`;
    writeFileSync(hook, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(watch)}));\n`);
    const bin = fileURLToPath(new URL('../../bin/mp.js', import.meta.url));
    for (const args of [['--help'], ['serve', '--help'], ['serve', 'token', '--help']]) {
      const r = spawnSync(process.execPath, ['--import', hook, bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
      expect(r.status).toBe(0);
      expect(r.stderr).not.toContain('LOADED');
    }
    // The check itself sees the modules when they are loaded.
    const server = fileURLToPath(new URL('../../dist/src/serve/server.js', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', hook, '--input-type=module', '-e', `await import(${JSON.stringify(server)})`], { encoding: 'utf8' });
    expect(r.stderr).toContain('LOADED');
  });
});
