// The fake WB streams its orders and sales pages (chunked, made while sent) as a real server's big
// answer arrives: the same rows as ordersSince/salesSince, the client reading the first rows before
// the fake has made the last (a page is up to 80,000 rows, ~60 MB). Without this the bench's wall
// time counted the fake building a whole page while mp waited.
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeWb, startFakeWb } from '../../src/fakes/fake-wb.js';

let wb: FakeWb | undefined;
afterEach(async () => {
  wb?.server.verify();
  await wb?.server.stop();
  wb = undefined;
});

const from = new Date('2026-11-01T00:00:00Z');

describe('fake WB statistics pages', () => {
  it.each(['orders', 'sales'] as const)('%s: sent chunked (made while sent), the same rows as the list', async (kind) => {
    wb = await startFakeWb({ orders: 2500, sales: 2500, from, orderStepMs: 60_000, saleStepMs: 60_000, pageCap: 80_000 });
    const res = await fetch(`${wb.url}/api/v1/supplier/${kind}?dateFrom=2026-10-01&flag=0`, { headers: { authorization: `Bearer ${wb.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const expected = kind === 'orders' ? wb.ordersSince('2026-10-01') : wb.salesSince('2026-10-01');
    expect(expected).toHaveLength(2500);
    expect(await res.json()).toEqual(expected);
  });

  it('an empty page is []', async () => {
    wb = await startFakeWb({ orders: 10, sales: 10, from, orderStepMs: 60_000, saleStepMs: 60_000 });
    const res = await fetch(`${wb.url}/api/v1/supplier/orders?dateFrom=2030-01-01&flag=0`, { headers: { authorization: `Bearer ${wb.token}` } });
    expect(await res.text()).toBe('[]');
  });
});
