// `notify tail`: events are printed as the sync writes them, only new ones by default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tailEvents } from '../../src/notify/notify.service.js';
import { attachUser, findOrCreateUser } from '../../src/wb/user.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addCabinet, writeSyncEvents } from './helpers.js';

describe('tailing events', () => {
  let h: TestDatabase;
  beforeAll(async () => {
    h = await createTestDatabase();
  });
  afterAll(async () => h?.close());

  it('prints each new event once, in order, as it is written', async () => {
    const cab = await addCabinet(h, 'Tail');
    await writeSyncEvents(h, cab, [{ type: 'new_order', key: 'old' }]);
    const seen: string[] = [];
    const controller = new AbortController();
    const running = tailEvents(h.db, { intervalMs: 20, signal: controller.signal, onEvent: (e) => seen.push(`${e.type}:${e.key}:${e.subject}`) });
    await new Promise((r) => setTimeout(r, 100));
    await writeSyncEvents(h, cab, [
      { type: 'new_order', key: 'a' },
      { type: 'buyout', key: 'S1' },
    ]);
    await writeSyncEvents(h, cab, [{ type: 'cancellation', key: 'a' }]);
    for (let i = 0; i < 100 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await running;
    expect(seen).toEqual(['new_order:a:Tail', 'buyout:S1:Tail', 'cancellation:a:Tail']);
  });
});

describe('tailing events as one MP_USER (issue 23: another user’s cabinet is not found)', () => {
  let h: TestDatabase;
  beforeAll(async () => {
    h = await createTestDatabase();
  });
  afterAll(async () => h?.close());

  it("shows alice's cabinet's events to alice and not to bob; a cabinet nobody is attached to to both", async () => {
    const alices = await addCabinet(h, 'Alices');
    const shared = await addCabinet(h, 'Legacy');
    const alice = await findOrCreateUser(h.db, 'alice');
    await findOrCreateUser(h.db, 'bob');
    await attachUser(h.db, alices, alice.id);
    const tail = async (user: string) => {
      const seen: string[] = [];
      const controller = new AbortController();
      const running = tailEvents(h.db, {
        fromId: '0',
        marketplaces: ['wb'],
        user,
        intervalMs: 20,
        signal: controller.signal,
        onEvent: (e) => seen.push(`${e.subject}:${e.key}`),
      });
      for (let i = 0; i < 50 && seen.length < (user === 'alice' ? 2 : 1); i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 60));
      controller.abort();
      await running;
      return seen;
    };
    await writeSyncEvents(h, alices, [{ type: 'new_order', key: 'A1' }]);
    await writeSyncEvents(h, shared, [{ type: 'new_order', key: 'L1' }]);
    expect(await tail('alice')).toEqual(['Alices:A1', 'Legacy:L1']);
    expect(await tail('bob')).toEqual(['Legacy:L1']);
  });
});
