// Issue 23, defects 1 and 4: one bad payout among good ones, and money precision for writers other
// than the CLI/REST validation. Both engines.
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInsertBatcher } from '../../src/payouts/insert-batcher.js';
import { createPayout, listPayouts } from '../../src/payouts/payouts.service.js';
import { createApiServer } from '../../src/serve/server.js';
import { bearer } from '../support/api.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { TEST_SECRET_KEY, testPayoutAccess } from '../support/payouts-seed.js';

let h: TestDatabase;
let base: string;
let close: () => Promise<void>;
let auth: string;

beforeAll(async () => {
  h = await createTestDatabase();
  auth = await bearer(h.db, ['payouts']);
  const server = createApiServer(h.db, { secretKey: TEST_SECRET_KEY, accessLog: null });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  await close?.();
  await h?.close();
});

const valid = (i: number) => ({ amount: `${i + 1}.25`, currency: 'RUB', recipient: `40817810099910004${String(i).padStart(3, '0')}`, comment: `ok ${i}` });
const count = async () => Number((await sql<{ n: string }>`select count(*)::text as n from payouts`.execute(h.db)).rows[0]!.n);

describe('defect 1: one bad payout never fails its neighbours', () => {
  it('REST: 40 valid concurrent POSTs all succeed beside one with NUL in comment, which gets its own 4xx naming comment', async () => {
    const before = await count();
    const post = (body: unknown) =>
      fetch(`${base}/api/payouts`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        async (r) => ({
          status: r.status,
          body: (await r.json()) as any,
        }),
      );
    const bad = { ...valid(99), comment: 'before\u0000after' };
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => post(valid(i))),
      post(bad),
      ...Array.from({ length: 20 }, (_, i) => post(valid(20 + i))),
    ]);
    const badAnswer = answers[20]!;
    const good = answers.filter((_, i) => i !== 20);
    expect(good.map((a) => a.status)).toEqual(Array(40).fill(201));
    expect(badAnswer.status).toBeGreaterThanOrEqual(400);
    expect(badAnswer.status).toBeLessThan(500);
    expect(badAnswer.body.error.fields).toEqual({ comment: 'must not contain NUL (U+0000)' });
    expect(await count()).toBe(before + 40);
  });

  it('the insert batcher isolates a row the database refuses: the others are written, the bad one is PAYOUT_REJECTED (400) naming the field', async () => {
    const before = await count();
    const insert = createInsertBatcher(h.db);
    // Rows that passed no validation (as a future caller might send): a NUL, and 3 decimal places.
    const rows = Array.from({ length: 30 }, (_, i) => ({
      amount: `${i + 1}.00`,
      currency: 'RUB' as const,
      recipient: `acct-${i}`,
      recipient_masked: '****',
      owner_id: null,
      comment: null as string | null,
    }));
    rows[7] = { ...rows[7]!, comment: 'nul\u0000inside' };
    rows[19] = { ...rows[19]!, amount: '10.555' };
    const outcomes = await Promise.allSettled(rows.map((r) => insert(r, null, null)));
    const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [{ i, error: o.reason }] : []));
    expect(failed.map((f) => f.i)).toEqual([7, 19]);
    expect(failed[0]!.error.code).toBe('PAYOUT_REJECTED');
    expect(failed[0]!.error.details.fields).toHaveProperty('comment');
    expect(failed[1]!.error.details.fields).toHaveProperty('amount');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(28);
    expect(await count()).toBe(before + 28);
    // Over HTTP a PAYOUT_REJECTED is a 400 with the field (src/serve/http-json.ts).
    const { problemOf } = await import('../../src/serve/http-json.js');
    expect(problemOf(failed[1]!.error)).toMatchObject({ status: 400, body: { error: { code: 'PAYOUT_REJECTED', fields: { amount: expect.any(String) } } } });
  });

  it('a NUL in comment is refused at the edge by the CLI/REST validation (no database round trip)', async () => {
    await expect(createPayout(testPayoutAccess(h.db), { ...valid(1), comment: 'a\u0000b' })).rejects.toMatchObject({
      code: 'PAYOUT_INVALID',
      details: { fields: { comment: 'must not contain NUL (U+0000)' } },
    });
    // Line breaks and tabs stay allowed in a comment.
    const { payout } = await createPayout(testPayoutAccess(h.db), { ...valid(1), comment: 'line 1\nline 2\ttab' });
    expect(payout.comment).toBe('line 1\nline 2\ttab');
  });

  it('an overflowing list cursor is a 400 naming cursor, not a 500', async () => {
    const cursor = Buffer.from('s:9999999999999999999').toString('base64url');
    const r = await fetch(`${base}/api/payouts?cursor=${cursor}`, { headers: { authorization: auth } });
    expect(r.status).toBe(400);
    expect(((await r.json()) as any).error.fields).toEqual({ cursor: 'is not a cursor returned by this API' });
    await expect(listPayouts(testPayoutAccess(h.db), { cursor })).rejects.toMatchObject({ code: 'PAYOUT_BAD_QUERY' });
  });
});

describe('defect 4: money columns refuse rather than round, for any writer', () => {
  it('SQL written directly: 10.555 fails, 10.55 and 10.5 are kept exactly', async () => {
    const insert = (amount: string) => sql`insert into payouts (amount, currency, recipient) values (${amount}::numeric, 'RUB', 'direct-sql')`.execute(h.db);
    await expect(insert('10.555')).rejects.toMatchObject({ code: '23514' });
    await insert('10.55');
    await insert('10.5');
    const rows = (await sql<{ amount: string }>`select amount::text as amount from payouts where recipient = 'direct-sql' order by amount`.execute(h.db)).rows;
    expect(rows.map((r) => r.amount)).toEqual(['10.5', '10.55']);
    // Shown with two places whoever wrote it.
    const page = await listPayouts(testPayoutAccess(h.db), { limit: 1000 });
    expect(page.items.filter((p) => p.recipient === '****-sql').map((p) => p.amount)).toEqual(expect.arrayContaining(['10.50', '10.55']));
    await expect(sql`update payouts set amount = 1.001 where recipient = 'direct-sql'`.execute(h.db)).rejects.toMatchObject({ code: '23514' });
  });

  it('whole-tenge and 2-place money columns of Kaspi orders, demper and preorders refuse extra places too', async () => {
    const checks = (await sql<{ conname: string }>`select conname from pg_constraint where conname like '%\\_scale'`.execute(h.db)).rows.map((r) => r.conname);
    expect(checks).toEqual(
      expect.arrayContaining([
        'payouts_amount_scale',
        'demper_products_price_scale',
        'demper_products_min_price_scale',
        'price_changes_new_price_scale',
        'preorders_price_scale',
        'kaspi_orders_total_price_scale',
        'kaspi_order_entries_base_price_scale',
      ]),
    );
    // No money column keeps a declared scale (which would round before any check runs), except the
    // record of a rival's shown price (see sql/0014).
    const rounding = (
      await sql<{ c: string }>`select table_name || '.' || column_name as c from information_schema.columns
        where table_schema = current_schema() and data_type = 'numeric' and numeric_scale is not null`.execute(h.db)
    ).rows.map((r) => r.c);
    expect(rounding).toEqual(['price_changes.competitor_price']);
  });
});
