// Payouts against a real migrated database (PGlite, and PostgreSQL with TEST_DATABASE_URL):
// creation and idempotency, the state machine, events, listing, and the SQL constraints.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelPayout, createPayout, deletePayout, getPayout, listPayouts, updatePayout } from '../../src/payouts/payouts.service.js';
import { claimPayouts, finishPayouts } from '../../src/payouts/payouts-queue.repository.js';
import { isSealed, openRecipient } from '../../src/payouts/recipient-seal.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { TEST_SECRET_KEY, testPayoutAccess } from '../support/payouts-seed.js';

let h: TestDatabase;
beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => {
  await h?.close();
});

const body = { amount: '100.50', currency: 'RUB', recipient: '40817810099910004312', comment: 'rent' };

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected an error');
}

describe('create', () => {
  it('stores a NEW payout with a creation event and shows the recipient masked', async () => {
    const { payout, created } = await createPayout(testPayoutAccess(h.db), { ...body, currency: 'rub' });
    expect(created).toBe(true);
    expect(payout).toMatchObject({ amount: '100.50', currency: 'RUB', recipient: '****4312', status: 'NEW', attempts: 0, idempotency_key: null });
    const { events } = await getPayout(testPayoutAccess(h.db), payout.id);
    expect(events.map((e) => [e.from, e.to])).toEqual([[null, 'NEW']]);
    const stored = await h.db.selectFrom('payouts').select('recipient').where('id', '=', payout.id).executeTakeFirstOrThrow();
    // Sealed at rest (issue 23): only the key opens it.
    expect(stored.recipient).not.toContain('40817810099910004312');
    expect(isSealed(stored.recipient)).toBe(true);
    expect(openRecipient(stored.recipient, TEST_SECRET_KEY)).toBe('40817810099910004312');
  });

  it('rejects invalid input with every field named', async () => {
    const e = await errorOf(createPayout(testPayoutAccess(h.db), { amount: '0.001', currency: 'XXX', recipient: '' }));
    expect(e.code).toBe('PAYOUT_INVALID');
    expect(e.details?.fields).toEqual({ amount: 'must have at most 2 decimal places', currency: 'must be one of RUB, USD, EUR', recipient: 'is required' });
  });

  it('same idempotency key + same body returns the existing payout; another body is a conflict', async () => {
    const first = await createPayout(testPayoutAccess(h.db), body, 'order-42');
    const again = await createPayout(testPayoutAccess(h.db), { ...body, amount: '100.5', currency: 'rub' }, 'order-42');
    expect(again).toEqual({ payout: first.payout, created: false });
    const e = await errorOf(createPayout(testPayoutAccess(h.db), { ...body, amount: '100.51' }, 'order-42'));
    expect(e.code).toBe('PAYOUT_IDEMPOTENCY_CONFLICT');
    const { rows } = await sql<{ n: string }>`select count(*) as n from payouts where idempotency_key = 'order-42'`.execute(h.db);
    expect(rows[0]!.n).toBe('1');
  });

  it('the key of a deleted payout never creates another one (a late retry of the first request)', async () => {
    const first = await createPayout(testPayoutAccess(h.db), body, 'order-del');
    await deletePayout(testPayoutAccess(h.db), first.payout.id);
    for (const retry of [body, { ...body, amount: '7.00' }]) {
      const e = await errorOf(createPayout(testPayoutAccess(h.db), retry, 'order-del'));
      expect(e.code).toBe('PAYOUT_IDEMPOTENCY_KEY_DELETED');
      expect(e.message).toContain(first.payout.id);
      expect(e.details).toMatchObject({ payout_id: first.payout.id });
    }
    const { rows } = await sql<{ n: string }>`select count(*) as n from payouts where idempotency_key = 'order-del'`.execute(h.db);
    expect(rows[0]!.n).toBe('0');
    // Other keys, and creates without a key, are not affected.
    expect((await createPayout(testPayoutAccess(h.db), body, 'order-del-2')).created).toBe(true);
    expect((await createPayout(testPayoutAccess(h.db), body)).created).toBe(true);
    // A cancelled payout, then deleted: the same.
    const second = await createPayout(testPayoutAccess(h.db), body, 'order-del-3');
    await cancelPayout(testPayoutAccess(h.db), second.payout.id);
    await deletePayout(testPayoutAccess(h.db), second.payout.id);
    expect((await errorOf(createPayout(testPayoutAccess(h.db), body, 'order-del-3'))).code).toBe('PAYOUT_IDEMPOTENCY_KEY_DELETED');
  });

  it('concurrent creates with one key make one payout', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => createPayout(testPayoutAccess(h.db), body, 'race-1')));
    expect(new Set(results.map((r) => r.payout.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });
});

describe('SQL constraints hold without the code', () => {
  it.each([
    ['amount 0.00', `insert into payouts (amount, currency, recipient) values (0.00, 'RUB', 'a')`],
    ['amount above 1e12', `insert into payouts (amount, currency, recipient) values (1000000000000.01, 'RUB', 'a')`],
    ['currency rub', `insert into payouts (amount, currency, recipient) values (1, 'rub', 'a')`],
    ['blank recipient', `insert into payouts (amount, currency, recipient) values (1, 'RUB', '  ')`],
    ['comment of 1001', `insert into payouts (amount, currency, recipient, comment) values (1, 'RUB', 'a', repeat('x', 1001))`],
    ['unknown status', `insert into payouts (amount, currency, recipient, status) values (1, 'RUB', 'a', 'PAID')`],
  ])('%s is refused', async (_name, statement) => {
    await expect(sql.raw(statement).execute(h.db)).rejects.toThrow(/check constraint/);
  });
  it('1000 characters and 0.01 are allowed', async () => {
    await sql.raw(`insert into payouts (amount, currency, recipient, comment) values (0.01, 'EUR', 'a', repeat('x', 1000))`).execute(h.db);
  });
  it.each([
    ['amount 0.001 (numeric(15,2) would round it to 0.00)', `insert into payouts (amount, currency, recipient) values (0.001, 'RUB', 'a')`],
    // Stored sealed (longer than the 255 characters of the plain value the code allows).
    ['recipient of 2001', `insert into payouts (amount, currency, recipient) values (1, 'RUB', repeat('a', 2001))`],
    [
      'idempotency key of 256',
      `insert into payouts (amount, currency, recipient, idempotency_key, request_hash) values (1, 'RUB', 'a', repeat('k', 256), 'h')`,
    ],
    ['PROCESSING without a lease', `insert into payouts (amount, currency, recipient, status) values (1, 'RUB', 'a', 'PROCESSING')`],
  ])('%s is refused', async (_name, statement) => {
    await expect(sql.raw(statement).execute(h.db)).rejects.toThrow(/check constraint/);
  });
});

describe('boundaries through createPayout (this engine stores exactly what was checked)', () => {
  it('largest amount, longest recipient, key and comment (in characters, not bytes) are stored as given', async () => {
    const comment = '💸'.repeat(1000);
    const { payout } = await createPayout(
      testPayoutAccess(h.db),
      { amount: '1000000000000', currency: 'usd', recipient: 'r'.repeat(255), comment },
      'k'.repeat(255),
    );
    expect(payout).toMatchObject({ amount: '1000000000000.00', currency: 'USD', recipient: '****rrrr', comment, idempotency_key: 'k'.repeat(255) });
    const stored = await h.db.selectFrom('payouts').select(['amount', 'recipient', 'comment']).where('id', '=', payout.id).executeTakeFirstOrThrow();
    expect({ ...stored, recipient: openRecipient(stored.recipient, TEST_SECRET_KEY) }).toEqual({
      amount: '1000000000000.00',
      recipient: 'r'.repeat(255),
      comment,
    });
  });

  it('one past each boundary is refused by the code, every field named', async () => {
    const e = await errorOf(
      createPayout(
        testPayoutAccess(h.db),
        { amount: '1000000000000.01', currency: 'RUB', recipient: 'r'.repeat(256), comment: '💸'.repeat(1001) },
        'k'.repeat(256),
      ),
    );
    expect(e.code).toBe('PAYOUT_INVALID');
    expect(e.details?.fields).toEqual({
      amount: 'must be at most 1000000000000',
      recipient: 'must be at most 255 characters',
      comment: 'must be at most 1000 characters (got 1001)',
      idempotency_key: 'must be at most 255 characters',
    });
  });
});

describe('state machine', () => {
  it('update and cancel only while NEW; delete only NEW or CANCELLED', async () => {
    const { payout } = await createPayout(testPayoutAccess(h.db), body);
    const updated = await updatePayout(testPayoutAccess(h.db), payout.id, { amount: '200', comment: '' });
    expect(updated).toMatchObject({ amount: '200.00', comment: null, status: 'NEW' });
    expect((await errorOf(updatePayout(testPayoutAccess(h.db), payout.id, { amount: '0.00' }))).code).toBe('PAYOUT_INVALID');

    const cancelled = await cancelPayout(testPayoutAccess(h.db), payout.id);
    expect(cancelled.status).toBe('CANCELLED');
    expect((await errorOf(cancelPayout(testPayoutAccess(h.db), payout.id))).code).toBe('PAYOUT_NOT_CANCELLABLE');
    expect((await errorOf(updatePayout(testPayoutAccess(h.db), payout.id, { comment: 'late' }))).code).toBe('PAYOUT_NOT_EDITABLE');

    const { events } = await getPayout(testPayoutAccess(h.db), payout.id);
    expect(events.map((e) => `${e.from}>${e.to}`)).toEqual(['null>NEW', 'NEW>NEW', 'NEW>CANCELLED']);
    expect(events[1]!.detail).toBe('updated: amount 100.50 → 200.00; comment rent → ∅');

    await deletePayout(testPayoutAccess(h.db), payout.id);
    expect((await errorOf(getPayout(testPayoutAccess(h.db), payout.id))).code).toBe('PAYOUT_NOT_FOUND');
    const trail = await h.db.selectFrom('payout_events').select('to_status').where('payout_id', '=', payout.id).orderBy('id').execute();
    expect(trail.map((t) => t.to_status)).toEqual(['NEW', 'NEW', 'CANCELLED', 'DELETED']);
  });

  it('no cancel, update or delete once a worker has it (PROCESSING), nor after COMPLETED', async () => {
    await h.db.deleteFrom('payouts').execute();
    const { payout } = await createPayout(testPayoutAccess(h.db), body);
    const [claimed] = await claimPayouts(h.db, 'w1', 10, 60_000);
    expect(claimed!.id).toBe(payout.id);
    expect((await errorOf(cancelPayout(testPayoutAccess(h.db), payout.id))).code).toBe('PAYOUT_NOT_CANCELLABLE');
    expect((await errorOf(updatePayout(testPayoutAccess(h.db), payout.id, { amount: '1' }))).code).toBe('PAYOUT_NOT_EDITABLE');
    expect((await errorOf(deletePayout(testPayoutAccess(h.db), payout.id))).code).toBe('PAYOUT_NOT_DELETABLE');
    await finishPayouts(h.db, 'w1', [{ id: payout.id, result: 'COMPLETED', detail: 'ref-1' }]);
    const { payout: done, events } = await getPayout(testPayoutAccess(h.db), payout.id);
    expect(done).toMatchObject({ status: 'COMPLETED', attempts: 1 });
    expect(done.processed_at).not.toBeNull();
    expect(events.map((e) => `${e.from}>${e.to}:${e.worker}`)).toEqual(['null>NEW:null', 'NEW>PROCESSING:w1', 'PROCESSING>COMPLETED:w1']);
    expect((await errorOf(cancelPayout(testPayoutAccess(h.db), payout.id))).code).toBe('PAYOUT_NOT_CANCELLABLE');
    expect((await errorOf(deletePayout(testPayoutAccess(h.db), payout.id))).code).toBe('PAYOUT_NOT_DELETABLE');
  });

  it('unknown and malformed ids are not found', async () => {
    expect((await errorOf(getPayout(testPayoutAccess(h.db), '00000000-0000-0000-0000-000000000000'))).code).toBe('PAYOUT_NOT_FOUND');
    expect((await errorOf(cancelPayout(testPayoutAccess(h.db), 'nope'))).code).toBe('PAYOUT_NOT_FOUND');
    expect((await errorOf(deletePayout(testPayoutAccess(h.db), 'nope'))).code).toBe('PAYOUT_NOT_FOUND');
  });
});

describe('list', () => {
  it('pages newest first with a cursor and filters by status', async () => {
    await h.db.deleteFrom('payouts').execute();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createPayout(testPayoutAccess(h.db), { ...body, amount: String(i + 1) })).payout.id);
    await cancelPayout(testPayoutAccess(h.db), ids[0]!);
    const first = await listPayouts(testPayoutAccess(h.db), { limit: 2 });
    expect(first.items.map((p) => p.id)).toEqual([ids[4], ids[3]]);
    const second = await listPayouts(testPayoutAccess(h.db), { limit: 2, cursor: first.next_cursor! });
    const third = await listPayouts(testPayoutAccess(h.db), { limit: 2, cursor: second.next_cursor! });
    expect([...second.items, ...third.items].map((p) => p.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(third.next_cursor).toBeNull();
    expect((await listPayouts(testPayoutAccess(h.db), { status: 'cancelled' })).items.map((p) => p.id)).toEqual([ids[0]]);
    expect((await listPayouts(testPayoutAccess(h.db), { since: new Date(Date.now() + 3_600_000) })).items).toEqual([]);
    const e = await errorOf(listPayouts(testPayoutAccess(h.db), { status: 'PAID', limit: 0, cursor: 'zz' }));
    expect(e.code).toBe('PAYOUT_BAD_QUERY');
    expect(Object.keys(e.details?.fields as object).sort()).toEqual(['cursor', 'limit', 'status']);
  });
});
