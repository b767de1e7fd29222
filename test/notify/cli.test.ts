// `mp wb notify …` and `mp wb bot setup` as a user and cron run them (subprocesses of the built CLI).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../src/fakes/fake-server.js';
import { type FakeTelegram, startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import { type FakeWb, startFakeWb } from '../../src/fakes/fake-wb.js';
import { verifySignature } from '../../src/notify/webhook.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';
import { writeSyncEvents } from './helpers.js';

describe('mp wb notify (CLI)', () => {
  let home: string;
  let db: TestDatabase | undefined;
  let wb: FakeWb;
  let tg: FakeTelegram;
  let hook: FakeServer;
  let env: NodeJS.ProcessEnv;
  const mp = (args: string[], input?: string) => runMp(args, { env, input, timeoutMs: 180_000 });

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mp-notify-cli-'));
    wb = await startFakeWb({ orders: 20, sales: 5, products: 3, reviews: 3 });
    tg = await startFakeTelegram();
    hook = await startFakeServer((s) => s.route('POST', '/hook', () => ({ status: 200, body: 'ok' })));
    env = { MP_HOME: home, MP_WB_URL: wb.url, MP_TELEGRAM_URL: tg.url, MP_SECRET_KEY: 'ab'.repeat(32), MP_USER: 'tester' };
    if (testEngine === 'postgres') {
      db = await createTestDatabase();
      env.DATABASE_URL = db.url;
    }
  });
  afterEach(() => {
    wb?.verify();
    tg?.verify();
    hook?.verify();
  });
  afterAll(async () => {
    await tg?.stop();
    await hook?.stop();
    await wb?.server.stop();
    await db?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('adds recipients, changes settings, stores the bot token, sends samples, delivers', { timeout: 600_000 }, async () => {
    expect((await mp(['wb', 'cabinet', 'add', '--token-stdin', '--name', 'Shop'], wb.token)).code).toBe(0);

    const chat = await mp(['wb', 'notify', 'recipient', 'add', '--cabinet', 'Shop', '--telegram-chat', '4242', '--json']);
    expect(chat.code).toBe(0);
    const chatId = JSON.parse(chat.stdout).id;
    const webhook = await mp(
      ['wb', 'notify', 'recipient', 'add', '--cabinet', 'Shop', '--webhook', `${hook.url}/hook`, '--secret-stdin', '--json'],
      'whsec-123\n',
    );
    expect(webhook.code).toBe(0);
    expect(webhook.stdout).not.toContain('whsec-123');
    const hookId = JSON.parse(webhook.stdout).id;

    const settings = await mp([
      'wb',
      'notify',
      'settings',
      '--recipient',
      chatId,
      '--disable',
      'sync_gap,return',
      '--review-threshold',
      '2',
      '--lang',
      'en',
      '--json',
    ]);
    expect(settings.code).toBe(0);
    expect(JSON.parse(settings.stdout)).toMatchObject({
      types: ['new_order', 'cancellation', 'buyout', 'negative_review', 'critical_stock', 'token_expiring', 'access_refused', 'job_failing'],
      review_threshold: 2,
      lang: 'en',
    });
    const bad = await mp(['wb', 'notify', 'settings', '--recipient', chatId, '--quiet-hours', '25:00-01:00']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('22:00-08:00');
    expect((await mp(['wb', 'notify', 'settings', '--recipient', '999'])).code).toBe(1);

    // No bot token yet: the webhook samples go, the Telegram ones wait.
    const setup = await mp(['wb', 'bot', 'setup', '--token-stdin', '--json'], `${tg.token}\n`);
    expect(setup.code).toBe(0);
    expect(JSON.parse(setup.stdout)).toEqual({ bot: 'mp_test_bot', token: `****${tg.token.slice(-4)}` });

    const test = await mp(['wb', 'notify', 'test', '--json']);
    expect(test.code).toBe(0);
    expect(JSON.parse(test.stdout)).toMatchObject({ queued: 18, sent: 18, dead: 0 });
    expect(tg.sentTo('4242').map((m) => m.text.split('\n')[0])).toEqual([
      '<b>🛒 New order</b> (test message)',
      '<b>❌ Order cancelled</b> (test message)',
      '<b>✅ Buyout</b> (test message)',
      '<b>⭐ Negative review</b> (test message)',
      '<b>📦 Critical stock</b> (test message)',
      '<b>🔑 WB token expires soon</b> (test message)',
      '<b>🔒 Access refused</b> (test message)',
      '<b>🛑 Job keeps failing</b> (test message)',
    ]);
    const posts = hook.requestsTo('/hook');
    expect(posts).toHaveLength(10);
    for (const p of posts) expect(verifySignature(p.body, p.headers['x-mp-signature'] as string, 'whsec-123')).toBe(true);

    const deliver = await mp(['wb', 'notify', 'deliver', '--json']);
    expect(deliver.code).toBe(0);
    expect(JSON.parse(deliver.stdout)).toMatchObject({ sent: 0, outbox: { sent: 18 } });

    if (db) {
      // Another process (the daemon's wb.notify, on any host) is delivering: this one sends nothing,
      // so Telegram's pace is never counted by two processes at once.
      const cabinet = await db.db.selectFrom('wb_cabinets').select('id').where('name', '=', 'Shop').executeTakeFirstOrThrow();
      await writeSyncEvents(db, cabinet.id, [{ type: 'new_order', key: 'lock-1' }]);
      const before = tg.sent.length;
      await db.db.connection().execute(async (c) => {
        await sql`select pg_advisory_lock(hashtextextended('mp.job:wb.notify', 0))`.execute(c);
        try {
          const other = await mp(['wb', 'notify', 'deliver', '--json']);
          expect(other.code).toBe(0);
          expect(JSON.parse(other.stdout)).toMatchObject({ skipped: true });
          expect(other.stderr).toContain('Another mp process is delivering notifications');
          // Samples are queued, and left to the process that delivers.
          const samples = await mp(['wb', 'notify', 'test', '--json']);
          expect(samples.code).toBe(0);
          expect(JSON.parse(samples.stdout)).toMatchObject({ queued: 18, sent: 0, delivered_by_another_process: true });
        } finally {
          await sql`select pg_advisory_unlock(hashtextextended('mp.job:wb.notify', 0))`.execute(c);
        }
      });
      expect(tg.sent.length).toBe(before);
      // Once it is free, the event goes out.
      const after = await mp(['wb', 'notify', 'deliver', '--json']);
      const delivered = JSON.parse(after.stdout);
      // The event's notifications and the 18 samples left to it.
      expect(delivered).toMatchObject({ events: 1, sent: 18 + delivered.created, dead: 0 });
      expect(tg.sent.length).toBeGreaterThan(before);
    }

    const list = await mp(['wb', 'notify', 'recipient', 'list', '--json']);
    expect(list.stderr).toBe('');
    const rows = JSON.parse(list.stdout);
    expect(rows.map((r: { channel: string }) => r.channel)).toEqual(['telegram', 'webhook']);
    expect(list.stdout).not.toMatch(/whsec|webhook_secret_sealed/);
    expect((await mp(['wb', 'notify', 'recipient', 'remove', hookId])).code).toBe(0);
    expect(JSON.parse((await mp(['wb', 'notify', 'recipient', 'list', '--json'])).stdout)).toHaveLength(1);
  });
});
