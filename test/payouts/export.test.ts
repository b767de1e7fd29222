// `mp export payouts` and `payout-events`: masked recipients, exact decimals, filters, deleted
// payouts' trail kept.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDataset } from '../../src/export/datasets.js';
import { exportDataset } from '../../src/export/export.service.js';
import { buildConditions, type FilterInput } from '../../src/export/filters.js';
import { openFileTarget } from '../../src/export/output-target.js';
import { cancelPayout, createPayout, deletePayout } from '../../src/payouts/payouts.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { testPayoutAccess } from '../support/payouts-seed.js';
import { readCsv, readJson } from '../support/read-export.js';

let h: TestDatabase;
let dir: string;
beforeAll(async () => {
  h = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'mp-payouts-export-'));
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function exportRows(name: string, format: 'json' | 'csv', filters: FilterInput = {}) {
  const dataset = findDataset(name);
  const path = join(dir, `${name}-${Math.random().toString(36).slice(2)}.${format}`);
  await exportDataset(h.db, { dataset, format, target: openFileTarget(path), conditions: buildConditions(dataset, filters, new Date()), pageSize: 2 });
  return format === 'json' ? readJson(path) : readCsv(dataset, path);
}

describe('payout datasets', () => {
  it('exports payouts with masked recipients and exact amounts, filterable by status', async () => {
    const a = (await createPayout(testPayoutAccess(h.db), { amount: '1000000000000', currency: 'USD', recipient: '40817810099910004312' })).payout;
    const b = (await createPayout(testPayoutAccess(h.db), { amount: '0.01', currency: 'EUR', recipient: 'ab', comment: 'tiny' })).payout;
    const c = (await createPayout(testPayoutAccess(h.db), { amount: '5', currency: 'RUB', recipient: 'gone-1234' })).payout;
    await cancelPayout(testPayoutAccess(h.db), c.id);
    await deletePayout(testPayoutAccess(h.db), c.id);

    const rows = await exportRows('payouts', 'json');
    expect(rows.map((r) => [r.id, r.amount, r.recipient, r.status])).toEqual([
      [a.id, '1000000000000', '****4312', 'NEW'],
      [b.id, '0.01', '****', 'NEW'],
    ]);
    expect(JSON.stringify(rows)).not.toContain('40817810099910004312');
    expect(await exportRows('payouts', 'csv', { filter: ['currency=EUR'], since: '1d' })).toEqual([expect.objectContaining({ id: b.id, comment: 'tiny' })]);

    const events = await exportRows('payout-events', 'json', { filter: [`payout_id=${c.id}`] });
    expect(events.map((e) => `${e.from_status}>${e.to_status}`)).toEqual(['null>NEW', 'NEW>CANCELLED', 'CANCELLED>DELETED']);
  });
});
