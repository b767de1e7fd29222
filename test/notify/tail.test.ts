// `notify tail`: events are printed as the sync writes them, only new ones by default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tailEvents } from '../../src/notify/notify.service.js';
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
