// Expiring and refused WB access through the notification engine: the sync (cron, the daemon) warns
// about a token that expires in 2 days once — not on every run — tells once when it has expired (and
// then makes no request to WB), once when WB refuses a token with 401, and starts afresh for a new token.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encryptSecret } from '../../src/core/secrets.js';
import { type FakeTelegram, startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import { type FakeWb, makeWbToken, startFakeWb } from '../../src/fakes/fake-wb.js';
import { deliverPending } from '../../src/notify/deliver.service.js';
import { updateCabinet } from '../../src/wb/cabinet.repository.js';
import { replaceCabinetToken } from '../../src/wb/cabinet.service.js';
import { tokenHash } from '../../src/wb/token.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addFakeCabinet, key, sync, TestClock, wbDeps } from '../wb/helpers.js';
import { addChat, secretKey, telegramFor } from './helpers.js';

const DAY = 86_400_000;

describe('WB token alerts: expiring, expired, refused — each once', () => {
  let h: TestDatabase;
  let wb: FakeWb;
  let tg: FakeTelegram;
  // The fake WB checks a token's expiry against the real time, so the clock starts now.
  const clock = new TestClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const deliver = () => deliverPending(h.db, { now: () => clock.now(), secretKey, telegram: telegramFor(tg) });
  const titles = () => tg.sentTo('7001').map((m) => m.text.split('\n')[0]!.replace(/<\/?b>/g, ''));
  const again = async (deps: ReturnType<typeof wbDeps>, ms = 120_000) => {
    clock.advance(ms);
    const outcomes = await sync(deps, { only: ['orders', 'cards'] });
    await deliver();
    await deliver();
    return outcomes;
  };

  beforeAll(async () => {
    h = await createTestDatabase();
    wb = await startFakeWb({ orders: 20, sales: 5, products: 3, reviews: 2, from: new Date(Date.now() - 2 * DAY), statisticsBurst: 100 });
    tg = await startFakeTelegram();
  });
  afterEach(() => {
    wb?.verify();
    tg?.verify();
  });
  afterAll(async () => {
    await tg?.stop();
    await wb?.server.stop();
    await h?.close();
  });

  it('a token expiring in 2 days is warned once across syncs; once expired, one alert and no request', { timeout: 120_000 }, async () => {
    const deps = wbDeps(h, wb, clock);
    const expiresAt = new Date(clock.now().getTime() + 2 * DAY + 3_600_000);
    const { cabinet } = await addFakeCabinet(deps, makeWbToken({ expiresAt }));
    await addChat(h, cabinet.id, '7001');

    await sync(deps, { only: ['orders', 'cards'] });
    await deliver();
    expect(titles()).toEqual(['🔑 Токен WB скоро истечёт']);
    const warning = tg.sentTo('7001')[0]!.text;
    expect(warning).toContain(expiresAt.toISOString().slice(0, 10));
    expect(warning).toContain('через 2 дня');
    expect(warning).toContain(`mp wb cabinet token &quot;${cabinet.name}&quot; --token-stdin`);
    // Every later run (cron, the daemon's tick) while it still has a day or two: nothing more.
    await again(deps);
    await again(deps);
    await again(deps, DAY);
    expect(titles()).toEqual(['🔑 Токен WB скоро истечёт']);

    // Past the expiry: the sync fails the cabinet's streams without asking WB, and says so once.
    const asked = wb.server.requests.length;
    clock.at = new Date(expiresAt.getTime() + 60_000);
    const expired = await again(deps, 0);
    expect(expired.map((o) => [o.status, o.errorCode])).toEqual([
      ['failed', 'WB_TOKEN_EXPIRED'],
      ['failed', 'WB_TOKEN_EXPIRED'],
    ]);
    expect(expired[0]!.error).toContain(`mp wb cabinet token "${cabinet.name}" --token-stdin`);
    expect(wb.server.requests.length).toBe(asked);
    await again(deps);
    await again(deps, DAY);
    expect(titles()).toEqual(['🔑 Токен WB скоро истечёт', '🔒 Доступ отклонён']);
    expect((await h.db.selectFrom('wb_cabinets').select('status').where('id', '=', cabinet.id).executeTakeFirstOrThrow()).status).toBe('unauthorized');
  });

  it('a token WB refuses (401) is one alert however many runs fail; a new token syncs again', { timeout: 120_000 }, async () => {
    const deps = wbDeps(h, wb, clock);
    const cabinet = await h.db.selectFrom('wb_cabinets').selectAll().executeTakeFirstOrThrow();
    // Back to the real time (events older than 3 days when fanned out are not sent), streams due.
    clock.at = new Date(Math.floor(Date.now() / 1000) * 1000);
    await h.db.updateTable('wb_sync_state').set({ next_allowed_at: null }).execute();
    // A token the fake (like WB) refuses: its signature is not WB's.
    const forged = makeWbToken({ expiresAt: new Date(clock.now().getTime() + 100 * DAY) }).replace(/fake$/, 'forged');
    await updateCabinet(h.db, cabinet.id, { token_sealed: encryptSecret(forged, key), token_hash: tokenHash(forged), status: 'active' });
    const before = titles().length;
    const refused = await again(deps);
    expect(refused.map((o) => [o.status, o.errorCode])).toEqual([
      ['failed', 'WB_UNAUTHORIZED'],
      ['failed', 'WB_UNAUTHORIZED'],
    ]);
    await again(deps);
    await again(deps);
    expect(titles().slice(before)).toEqual(['🔒 Доступ отклонён']);

    // `mp wb cabinet token`: the cabinet syncs again, its status is active, and nothing is alerted.
    await replaceCabinetToken(deps, cabinet.name, makeWbToken({ expiresAt: new Date(clock.now().getTime() + 100 * DAY) }));
    const ok = await again(deps);
    expect(ok.map((o) => o.status)).toEqual(['ok', 'ok']);
    expect(titles().slice(before)).toEqual(['🔒 Доступ отклонён']);
  });
});
