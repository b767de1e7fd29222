// The one batched event insert behind kaspi_events and wb_events (src/db/event-outbox.ts): each table
// gets its owner column, a batch larger than one chunk is written whole, and a repeat is a no-op.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { insertKaspiEvents, listKaspiEvents } from '../../src/notify/kaspi-events.repository.js';
import { insertEvents, listEvents } from '../../src/wb/event.repository.js';
import { addCabinet, secretKey } from '../notify/helpers.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

describe('insertOutboxEvents through insertKaspiEvents and insertEvents', () => {
  let h: TestDatabase;
  let store: string;
  let cabinet: string;
  const at = new Date('2026-12-01T10:00:00Z');

  beforeAll(async () => {
    h = await createTestDatabase();
    store = (await addStore(h.db, secretKey, { merchantId: 'K1', name: 'Kaspi One' })).id;
    cabinet = await addCabinet(h, 'WB');
  });
  afterAll(async () => h?.close());

  it('writes a batch of more than one chunk (2,000) once into each table, with its owner', async () => {
    const kaspi = Array.from({ length: 2001 }, (_, i) => ({ type: 'new_order' as const, eventKey: `o${i}`, occurredAt: at, payload: { i } }));
    const wb = Array.from({ length: 2001 }, (_, i) => ({ type: 'new_order' as const, eventKey: `s${i}`, occurredAt: at, payload: { i } }));
    expect(await insertKaspiEvents(h.db, store, kaspi)).toBe(2001);
    expect(await insertEvents(h.db, cabinet, wb)).toBe(2001);
    expect(await insertKaspiEvents(h.db, store, kaspi)).toBe(0);
    expect(await insertEvents(h.db, cabinet, wb)).toBe(0);

    const k = await listKaspiEvents(h.db, store);
    expect(k).toHaveLength(2001);
    expect(k[2000]).toMatchObject({ store_id: store, type: 'new_order', event_key: 'o2000', dedup_key: `${store}:new_order:o2000`, payload: { i: 2000 } });
    expect(new Date(k[0]!.occurred_at).toISOString()).toBe(at.toISOString());
    const w = await listEvents(h.db, cabinet);
    expect(w).toHaveLength(2001);
    expect(w[0]).toMatchObject({ cabinet_id: cabinet, event_key: 's0', dedup_key: `${cabinet}:new_order:s0` });
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from kaspi_events where store_id <> ${store}`.execute(h.db);
    expect(rows[0]!.n).toBe('0');
  });

  it('writes nothing for no events', async () => {
    expect(await insertKaspiEvents(h.db, store, [])).toBe(0);
    expect(await insertEvents(h.db, cabinet, [])).toBe(0);
  });
});
