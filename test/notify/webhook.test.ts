// Webhook recipients: signed JSON, retries with backoff, dead after the configured attempts, and a
// crash between send and mark resends (receivers dedupe by id).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encryptSecret } from '../../src/core/secrets.js';
import { type FakeServer, startFakeServer } from '../../src/fakes/fake-server.js';
import { deliverPending } from '../../src/notify/deliver.service.js';
import { verifySignature } from '../../src/notify/webhook.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addCabinet, manualClock, outboxRows, resetNotify, secretKey, writeSyncEvents } from './helpers.js';

describe('webhook delivery', () => {
  let h: TestDatabase;
  let hook: FakeServer;
  let cab: string;
  beforeAll(async () => {
    h = await createTestDatabase();
    cab = await addCabinet(h, 'Hooked');
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    await resetNotify(h);
    hook = await startFakeServer((s) => s.route('POST', '/hook', () => ({ status: 204 })));
    await h.db
      .insertInto('notify_recipients')
      .values({ cabinet_id: cab, channel: 'webhook', webhook_url: `${hook.url}/hook`, webhook_secret_sealed: encryptSecret('s3cret', secretKey) })
      .execute();
  });
  afterEach(async () => {
    await hook.stop();
    hook.verify();
  });

  it('posts {id, type, marketplace, cabinet, occurred_at, data} with a signature that verifies', async () => {
    const at = new Date('2026-11-20T10:00:00Z');
    await writeSyncEvents(h, cab, [{ type: 'new_order', key: 'srid-1', occurredAt: at, payload: { srid: 'srid-1', nmId: 7, price: '990.50' } }]);
    const clock = manualClock();
    expect(await deliverPending(h.db, { now: clock.now, secretKey })).toMatchObject({ sent: 1 });
    const [req] = hook.requestsTo('/hook');
    const body = JSON.parse(req!.body);
    expect(body).toEqual({
      id: `${cab}:new_order:${body.id.split(':')[2]}`,
      type: 'new_order',
      marketplace: 'wb',
      cabinet: { id: cab, name: 'Hooked' },
      occurred_at: at.toISOString(),
      data: { key: 'srid-1', srid: 'srid-1', nmId: 7, price: '990.50' },
    });
    const signature = req!.headers['x-mp-signature'] as string;
    const t = Math.floor(clock.now().getTime() / 1000);
    expect(signature).toMatch(new RegExp(`^t=${t},v1=[0-9a-f]{64}$`));
    expect(req!.headers['x-mp-timestamp']).toBe(String(t));
    const now = clock.now();
    expect(verifySignature(req!.body, signature, 's3cret', { now })).toBe(true);
    expect(verifySignature(req!.body, signature, 'wrong', { now })).toBe(false);
    expect(verifySignature(`${req!.body} `, signature, 's3cret', { now })).toBe(false);
    // Replayed 6 minutes later, the same request is refused.
    expect(verifySignature(req!.body, signature, 's3cret', { now: new Date(now.getTime() + 360_000) })).toBe(false);
  });

  it('retries with growing backoff and is dead after the configured attempts', async () => {
    hook.fault('/hook', { status: 500, body: 'down', times: Number.POSITIVE_INFINITY });
    await writeSyncEvents(h, cab, [{ type: 'return', key: 'R1' }]);
    const clock = manualClock();
    const gaps: number[] = [];
    for (let i = 0; i < 4; i++) {
      await deliverPending(h.db, { now: clock.now, secretKey, webhookMaxAttempts: 4 });
      const [row] = await outboxRows(h);
      gaps.push(row!.next_attempt_at.getTime() - clock.now().getTime());
      clock.advance(2 * 3_600_000);
    }
    const [row] = await outboxRows(h);
    expect(row).toMatchObject({ status: 'dead', attempts: 4 });
    expect(hook.requestsTo('/hook')).toHaveLength(4);
    expect(gaps[1]!).toBeGreaterThan(gaps[0]!);
    expect(gaps[2]!).toBeGreaterThan(gaps[1]!);
  });

  it('after a crash between send and mark the webhook is sent again with the same id', async () => {
    await writeSyncEvents(h, cab, [{ type: 'buyout', key: 'S1' }]);
    const clock = manualClock();
    await expect(
      deliverPending(h.db, {
        now: clock.now,
        secretKey,
        afterSend: () => {
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    clock.advance(11 * 60_000);
    await deliverPending(h.db, { now: clock.now, secretKey });
    const ids = hook.requestsTo('/hook').map((r) => JSON.parse(r.body).id);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
    expect((await outboxRows(h))[0]!.status).toBe('sent');
    // Each attempt is signed at its own time: the resend passes a receiver's replay check, while
    // the first request, replayed at the resend's time, would not.
    const [first, second] = hook.requestsTo('/hook');
    const sig = (r: typeof first) => r!.headers['x-mp-signature'] as string;
    expect(verifySignature(second!.body, sig(second), 's3cret', { now: clock.now() })).toBe(true);
    expect(verifySignature(first!.body, sig(first), 's3cret', { now: clock.now() })).toBe(false);
  });
});
