// `mp notify …` for the whole shop (subprocesses of the built CLI): a Kaspi store's recipients next
// to a WB cabinet's, per-type settings checked against the store's types, `mp wb notify` as an
// alias of the same tree, and dead notifications listed and sent again with `--requeue`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../src/fakes/fake-server.js';
import { verifySignature } from '../../src/notify/webhook.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

describe('mp notify (CLI)', () => {
  let home: string;
  let db: TestDatabase | undefined;
  let hook: FakeServer;
  let env: NodeJS.ProcessEnv;
  const mp = (args: string[], input?: string) => runMp(args, { env, input, timeoutMs: 180_000 });
  const json = async (args: string[], input?: string) => {
    const r = await mp([...args, '--json'], input);
    expect(r.code, `mp ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mp-notify-kaspi-cli-'));
    hook = await startFakeServer((s) => s.route('POST', '/hook', () => ({ status: 204 })));
    env = { MP_HOME: home, MP_SECRET_KEY: 'cd'.repeat(32), MP_USER: 'seller', MP_NOTIFY_WEBHOOK_ATTEMPTS: '1' };
    if (testEngine === 'postgres') {
      db = await createTestDatabase();
      env.DATABASE_URL = db.url;
    }
  });
  afterEach(() => hook?.verify());
  afterAll(async () => {
    await hook?.stop();
    await db?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('subscribes to a Kaspi store, sets its types, and requeues what was given up', { timeout: 600_000 }, async () => {
    expect((await mp(['demper', 'store', 'add', '--merchant-id', '30012345', '--name', 'Kaspi Shop', '--token-stdin'], 'shop-token\n')).code).toBe(0);
    const added = await json(['notify', 'recipient', 'add', '--kaspi-store', '30012345', '--webhook', `${hook.url}/hook`, '--secret-stdin'], 'whsec-k\n');
    expect(added).toMatchObject({ marketplace: 'kaspi', cabinet_id: null, store_name: 'Kaspi Shop', merchant_id: '30012345', time_zone: 'Asia/Almaty' });
    expect(added.types).toEqual([
      'new_order',
      'cancellation',
      'return',
      'price_floor',
      'lost_first_place',
      'price_refused',
      'store_paused',
      'access_refused',
      'scrape_failing',
      'layout_changed',
      'cancel_share',
      'job_failing',
    ]);
    // Neither or both subjects, an unknown store: refused before anything is written.
    const neither = await mp(['notify', 'recipient', 'add', '--telegram-chat', '1']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--kaspi-store');
    expect((await mp(['notify', 'recipient', 'add', '--kaspi-store', 'nope', '--telegram-chat', '1'])).code).toBe(1);

    // Per-type settings: a Kaspi store's types only (buyout is WB's).
    const set = await json(['notify', 'recipient', 'set', added.id, '--disable', 'lost_first_place,price_floor', '--group', '3']);
    expect(set.types).not.toContain('lost_first_place');
    expect(set.types).not.toContain('price_floor');
    expect(set.group_threshold).toBe(3);
    const wrong = await mp(['notify', 'recipient', 'set', added.id, '--enable', 'buyout']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('for a Kaspi store');

    // `mp wb notify` is the same tree: it lists the Kaspi store's recipient too.
    const viaWb = await json(['wb', 'notify', 'recipient', 'list']);
    const viaRoot = await json(['notify', 'recipient', 'list', '--kaspi-store', 'Kaspi Shop']);
    expect(viaWb.map((r: { id: string }) => r.id)).toEqual([added.id]);
    expect(viaRoot).toEqual(viaWb);

    // The receiver is down: one attempt (MP_NOTIFY_WEBHOOK_ATTEMPTS=1) and each sample is dead.
    hook.fault('/hook', { status: 503, body: 'down', times: 10 });
    const test = await mp(['notify', 'test', '--json']);
    expect(test.code).toBe(1);
    expect(JSON.parse(test.stdout)).toMatchObject({ queued: 10, sent: 0, dead: 10 });
    const dead = await json(['notify', 'dead']);
    expect(dead).toHaveLength(10);
    expect(dead[0]).toMatchObject({ recipient: added.id, attempts: 1, error: expect.stringContaining('503') });
    expect(new Set(dead.map((d: { type: string }) => d.type))).toContain('cancel_share');
    expect((await json(['notify', 'dead', '--limit', '2'])).length).toBe(2);

    // Back up: --requeue sends every one of them again, signed, and nothing is dead any more.
    const requeued = await json(['notify', 'dead', '--requeue']);
    expect(requeued).toMatchObject({ requeued: 10, sent: 10, dead: 0 });
    const posts = hook.requestsTo('/hook').slice(-10);
    for (const p of posts) {
      expect(verifySignature(p.body, p.headers['x-mp-signature'] as string, 'whsec-k')).toBe(true);
      expect(JSON.parse(p.body)).toMatchObject({ marketplace: 'kaspi', store: { name: 'Kaspi Shop', merchant_id: '30012345' } });
    }
    expect(await json(['notify', 'dead'])).toEqual([]);
    expect((await json(['notify', 'dead', '--requeue'])).requeued).toBe(0);

    // Another user does not see this store's recipient or its notifications.
    const other = await runMp(['notify', 'recipient', 'list', '--json'], { env: { ...env, MP_USER: 'someone-else' }, timeoutMs: 180_000 });
    expect(JSON.parse(other.stdout)).toEqual([]);
    expect((await mp(['notify', 'recipient', 'remove', added.id])).code).toBe(0);
  });
});
