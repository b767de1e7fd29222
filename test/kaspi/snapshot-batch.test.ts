// Writing a scrape's batch of product snapshots: one statement for the whole batch, storing exactly
// what saving the products one at a time stores (compared table by table, row by row, ids included,
// on two databases), and a first sight stored by another process meanwhile still handled as an update.
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SavedSnapshot, type SnapshotToWrite, saveProductSnapshot, writeProductSnapshots } from '../../src/kaspi/snapshot.service.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';
import { dumpKaspiSnapshots, inKeyOrder, snapshotScenario } from '../support/snapshot-scenario.js';

/** Counts the statements run through it; `after` runs once a statement has answered. */
class Statements implements KyselyPlugin {
  count = 0;
  constructor(private readonly after?: (n: number) => Promise<void>) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count += 1;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    await this.after?.(this.count);
    return args.result;
  }
}

let batched: TestDatabase;
let single: TestDatabase;
beforeAll(async () => {
  [batched, single] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});
afterAll(async () => {
  await batched?.close();
  await single?.close();
});

const write = (h: TestDatabase, items: readonly SnapshotToWrite[], plugin = new Statements()) =>
  h.db
    .withPlugin(plugin)
    .transaction()
    .execute((trx) => writeProductSnapshots(trx, items));

describe('kaspi snapshots written a batch at a time', () => {
  it('store what saving them one at a time in key order stores, and report the same', async () => {
    for (const batch of snapshotScenario()) {
      const fromBatch = await write(batched, batch);
      const one = new Map<SnapshotToWrite, SavedSnapshot>();
      for (const item of inKeyOrder(batch)) one.set(item, await saveProductSnapshot(single.db, item.obs, item.now));
      expect(fromBatch).toEqual(batch.map((item) => one.get(item)));
    }
    const [a, b] = await Promise.all([dumpKaspiSnapshots(batched.db), dumpKaspiSnapshots(single.db)]);
    expect(a.kaspi_products).toHaveLength(13);
    expect(a.kaspi_offer_history.length).toBeGreaterThan(300);
    expect(a).toEqual(b);
    // The texts came back as they were written.
    const nasty = await batched.db.selectFrom('kaspi_products').selectAll().where('kaspi_id', '=', '1000').executeTakeFirstOrThrow();
    expect(nasty.name).toBe('Смартфон "Galaxy" {A55}, 8\\256 ГБ — «чёрный» NULL');
    expect([nasty.category_path, nasty.photos, nasty.incomplete_fields]).toEqual([[], [], []]);
    const path = await sql<{ category_path: string[] }>`
      select h.category_path from kaspi_product_history h join kaspi_products p on p.id = h.product_id
      where p.kaspi_id = '1004' order by h.id limit 1`.execute(batched.db);
    expect(path.rows[0]!.category_path).toEqual(['a"b', 'c,d', '{e}', 'f\\g', '', 'NULL', 'Ж']);
  });

  it('take two statements whatever the size: the lock read and one write', async () => {
    const [first, second] = snapshotScenario();
    const at = new Date('2026-11-22T10:00:00Z');
    // Products new to the database and stored ones with changes, none twice.
    const fresh = first!.map((i) => ({ obs: { ...i.obs, kaspiId: `2${i.obs.kaspiId}` }, now: at }));
    const stored = second!.filter((i) => !['1012', '1013'].includes(i.obs.kaspiId)).map((i) => ({ obs: i.obs, now: at }));
    const plugin = new Statements();
    const saved = await write(batched, [...fresh, ...stored], plugin);
    expect(saved.filter((s) => s.created)).toHaveLength(fresh.length);
    expect(saved.filter((s) => !s.created)).toHaveLength(stored.length);
    expect(plugin.count).toBe(2);
  });

  it.skipIf(testEngine !== 'postgres')('a first sight another process stores between the lock read and the write is updated instead', async () => {
    const [first] = snapshotScenario();
    const item = { ...first![1]!, now: new Date('2026-11-23T10:00:00Z') };
    const other = { obs: { ...item.obs, kaspiId: '3001' }, now: item.now };
    const racer = { obs: { ...item.obs, kaspiId: '3000', name: 'stored by the other process' }, now: new Date('2026-11-23T09:00:00Z') };
    // Once our lock read has answered (finding nothing), another connection stores the product and commits.
    const plugin = new Statements(async (n) => {
      if (n === 1) await saveProductSnapshot(batched.db, racer.obs, racer.now);
    });
    const saved = await write(batched, [{ ...item, obs: { ...item.obs, kaspiId: '3000' } }, other], plugin);
    expect(saved.map((s) => s.created)).toEqual([false, true]);
    expect(saved[0]!.changed).toEqual(['name']);
    expect(saved[0]!.offerEvents).toEqual([]);
    const rows = await sql<{ n: string }>`select count(*) as n from kaspi_products where kaspi_id = '3000'`.execute(batched.db);
    expect(Number(rows.rows[0]!.n)).toBe(1);
    const history = await batched.db
      .selectFrom('kaspi_product_history')
      .select(['name', 'changed_fields'])
      .where('product_id', '=', saved[0]!.productId)
      .orderBy('id')
      .execute();
    expect(history).toEqual([
      { name: 'stored by the other process', changed_fields: expect.arrayContaining(['name', 'min_price']) },
      { name: item.obs.name, changed_fields: ['name'] },
    ]);
    const offers = await sql<{ n: string }>`select count(*) as n from kaspi_offer_history where product_id = ${saved[0]!.productId}`.execute(batched.db);
    expect(Number(offers.rows[0]!.n)).toBe(item.obs.offers!.length);
  });
});
