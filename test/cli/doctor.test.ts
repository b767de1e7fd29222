// `mp doctor` as a subprocess: a fresh home passes (exit 0); a home whose WB token has expired
// fails that check and exits 4 (a new token fixes it), with --json as one document of checks.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { encryptSecret } from '../../src/core/secrets.js';
import { openDatabase } from '../../src/db/connect.js';
import { makeWbToken } from '../../src/fakes/fake-wb.js';
import { insertCabinet } from '../../src/wb/cabinet.repository.js';
import { tokenHash } from '../../src/wb/token.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

interface Doc {
  ok: boolean;
  checks: Array<{ check: string; status: string; detail: string; action?: string }>;
}

describe('mp doctor', { timeout: 180_000 }, () => {
  const homes: string[] = [];
  let handle: TestDatabase | undefined;
  afterAll(async () => {
    await handle?.close();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });
  const newHome = () => {
    const home = mkdtempSync(join(tmpdir(), 'mp-doctor-'));
    homes.push(home);
    return home;
  };

  it('a fresh home: every check ok or skipped, exit 0; the table on stdout, the document with --json', async () => {
    const env = { MP_HOME: newHome() };
    const r = await runMp(['doctor'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^database\tok\tpglite at /m);
    const json = await runMp(['doctor', '--json'], { env });
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as Doc;
    expect(doc.ok).toBe(true);
    expect(doc.checks.map((c) => c.check)).toEqual(['database', 'secret key', 'wb tokens', 'kaspi stores', 'telegram', 'proxies', 'clock']);
    expect(doc.checks.every((c) => c.status === 'ok' || c.status === 'skip')).toBe(true);
  });

  describe('with an expired WB token', () => {
    let env: NodeJS.ProcessEnv;
    const key = randomBytes(32);
    const token = makeWbToken({ expiresAt: new Date(Date.now() - 3 * 86_400_000) });
    beforeAll(async () => {
      const home = newHome();
      env = { MP_HOME: home, MP_SECRET_KEY: key.toString('hex'), MP_KASPI_PROXIES: 'http://user:pw@127.0.0.1:3128,not a url' };
      let db: TestDatabase['db'];
      let close: () => Promise<void>;
      if (testEngine === 'postgres') {
        handle = await createTestDatabase();
        env.DATABASE_URL = handle.url;
        db = handle.db;
        close = async () => {};
      } else {
        const opened = await openDatabase(resolveConfig({ home }, {}));
        db = opened.db;
        close = () => opened.close();
      }
      await insertCabinet(db, {
        name: 'Old shop',
        token_sealed: encryptSecret(token, key),
        token_hash: tokenHash(token),
        token_last4: token.slice(-4),
        token_expires_at: new Date(Date.now() - 3 * 86_400_000),
      });
      await close();
    });

    it('fails the token and the unreadable proxy, exits 1 (not only credentials), names what to do; never prints secrets', async () => {
      const r = await runMp(['doctor', '--json'], { env });
      expect(r.code).toBe(1);
      const doc = JSON.parse(r.stdout) as Doc;
      expect(doc.ok).toBe(false);
      expect(doc.checks.find((c) => c.check === 'wb token "Old shop"')).toMatchObject({
        status: 'fail',
        detail: expect.stringMatching(/^expired on \d{4}-\d\d-\d\d$/),
        action: expect.stringContaining('mp wb cabinet token "Old shop" --token-stdin'),
      });
      expect(doc.checks.find((c) => c.check === 'proxies')).toMatchObject({
        status: 'fail',
        detail: 'MP_KASPI_PROXIES item 2 must be a URL like http://host:port',
      });
      expect(JSON.parse(r.stderr.trim())).toMatchObject({ error: { code: 'DOCTOR_FAILED', exit: 1 } });
      expect(r.stdout + r.stderr).not.toContain(token);
      expect(r.stdout + r.stderr).not.toContain('user:pw');
    });

    it('with only the expired token to fix, exits 4 (authentication)', async () => {
      const r = await runMp(['doctor'], { env: { ...env, MP_KASPI_PROXIES: '' } });
      expect(r.code).toBe(4);
      expect(r.stdout).toMatch(/^wb token "Old shop"\tfail\texpired on /m);
      expect(r.stderr).toContain('1 check(s) need action: wb token');
    });
  });

  it('doctor and the scrape read a proxy list by the same rule: a socks URL, a bad item in the config file', async () => {
    const home = newHome();
    const cases: Array<{ env: NodeJS.ProcessEnv; message: string }> = [
      // Doctor's own rule passed socks (the scrape refuses it, exit 2); and it never read the config file.
      { env: { MP_HOME: home, MP_KASPI_PROXIES: 'socks5://u:hunter2pw@127.0.0.1:1080' }, message: 'MP_KASPI_PROXIES must start with http:// or https://' },
      {
        env: { MP_HOME: home, MP_CONFIG: join(home, 'mp.json') },
        message: `kaspi.proxies in ${join(home, 'mp.json')} item 2 must be a URL like http://host:port`,
      },
    ];
    writeFileSync(join(home, 'mp.json'), JSON.stringify({ kaspi: { proxies: ['http://u:hunter2pw@127.0.0.1:3128', 'proxy two'] } }));
    for (const c of cases) {
      const doctor = await runMp(['doctor', '--json'], { env: c.env });
      expect(doctor.code, doctor.stderr).toBe(1);
      const check = (JSON.parse(doctor.stdout) as Doc).checks.find((x) => x.check === 'proxies');
      expect(check).toMatchObject({ status: 'fail', detail: c.message });
      const scrape = await runMp(['kaspi', 'scrape', '100'], { env: c.env });
      expect(scrape.code, scrape.stderr).toBe(2);
      expect(scrape.stderr).toContain(c.message);
      // Neither prints the password a proxy URL carries.
      expect(doctor.stdout + doctor.stderr + scrape.stderr).not.toContain('hunter2pw');
    }
    // And what doctor passes, the scrape's reader takes.
    const good = await runMp(['doctor', '--json'], { env: { MP_HOME: home, MP_KASPI_PROXIES: 'http://u:p@127.0.0.1:3128, https://127.0.0.1:3129' } });
    expect((JSON.parse(good.stdout) as Doc).checks.find((x) => x.check === 'proxies')).toMatchObject({ status: 'ok', detail: '2 proxy URL(s)' });
  });
});
