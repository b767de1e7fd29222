// The crash test of test/notify/crash.test.ts for a Kaspi store's alerts: `mp notify deliver` is
// killed (SIGKILL) while Telegram is answering one of them, after the send and before the mark. The
// guarantee is the WB events' (docs/notify.md, "Exactly once, and what a crash can do"): the next run
// sends every other alert once, and the one in flight is counted as sent (unconfirmed) and never
// repeated — no duplicate, and nothing lost that was not in flight. Checked at the fake Telegram.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { insertKaspiEvents } from '../../src/notify/kaspi-events.repository.js';
import { KASPI_NOTIFY_TYPES } from '../../src/notify/types.js';
import { runMp } from '../support/cli.js';
import { type CrashWorld, killDuringFirstSend, startCrashWorld } from '../support/crash-delivery.js';
import { secretKey } from './helpers.js';

describe('Kaspi alerts: SIGKILL between send and mark', () => {
  let world: CrashWorld;

  beforeAll(async () => {
    world = await startCrashWorld('mp-kaspi-crash-', async (h) => {
      const store = await addStore(h.db, secretKey, { merchantId: '30067228', name: 'Crash Shop' });
      await h.db
        .insertInto('notify_recipients')
        .values({ kaspi_store_id: store.id, channel: 'telegram', chat_id: '6001', types: [...KASPI_NOTIFY_TYPES], group_threshold: 0 })
        .execute();
      const at = new Date();
      await insertKaspiEvents(h.db, store.id, [
        { type: 'new_order', eventKey: 'order-k1', occurredAt: at, payload: { code: 'k1', total: '12990', products: [{ name: 'Phone', quantity: 1 }] } },
        { type: 'cancellation', eventKey: 'order-k2', occurredAt: at, payload: { code: 'k2', total: '4990', status: 'CANCELLED' } },
        { type: 'price_floor', eventKey: 'p1:750000000:800:700', occurredAt: at, payload: { sku: 'k3', name: 'Case', price: '800', minPrice: '800' } },
        { type: 'access_refused', eventKey: 'session:1', occurredAt: at, payload: { message: 'k4: session expired', command: 'mp demper store login' } },
      ]);
    });
  }, 240_000); // a fresh embedded database (all migrations) on a loaded 2-core machine
  afterAll(async () => world?.close());
  afterEach(() => world.tg.server.verify());

  it('sends nothing twice and loses nothing else after a restart', { timeout: 300_000 }, async () => {
    const first = await killDuringFirstSend(world, ['notify', 'deliver'], 6001);

    const again = await runMp(['notify', 'deliver', '--json'], { env: world.env, timeoutMs: 180_000 });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 4, unconfirmed: 1, dead: 0 });
    // A third run finds nothing to do.
    const third = await runMp(['notify', 'deliver', '--json'], { env: world.env, timeoutMs: 180_000 });
    expect(JSON.parse(third.stdout)).toMatchObject({ sent: 0 });
    const all = world.sends();
    expect(all).toHaveLength(4);
    expect(new Set(all).size).toBe(4);
    expect(all.filter((t) => t === first)).toHaveLength(1);
    for (const key of ['k1', 'k2', 'k3', 'k4']) expect(all.filter((t) => t.includes(key))).toHaveLength(1);
  });
});
