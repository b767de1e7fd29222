// The version of a store's orders (sql/0031: kaspi_orders_versions, bumped by the statement-level
// triggers of kaspi_orders and kaspi_order_entries): the REST orders page cache's validator. Bumped
// once per statement that changed a store's orders or entries, never for a statement that changed
// nothing (no row, or only synced_at); never taking the kaspi_stores row's lock. Both engines; the
// tests of two transactions at once need two connections: PostgreSQL only.
import { type Kysely, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMemoryPglite, openPostgres } from '../../src/db/connect.js';
import { migrateToLatest, SqlFileMigrationProvider } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { lockStore } from '../../src/demper/price-list-log.repository.js';
import { setPause, upsertStore } from '../../src/kaspi/merchant/stores.repository.js';
import { createTestDatabase, holdTransaction, type TestDatabase, testEngine } from '../support/db.js';

let h: TestDatabase;
let one: string;
let two: string;

const version = async (storeId: string, db: Kysely<Database> = h.db) =>
  (await sql<{ v: string }>`select coalesce((select version from kaspi_orders_versions where store_id = ${storeId}::bigint), 0)::text as v`.execute(db))
    .rows[0]!.v;
const versions = async () => [await version(one), await version(two)].map(Number);

let n = 0;
/** Inserts one order of each store given, in one statement; returns their codes. */
async function insertOrders(db: Kysely<Database>, ...stores: string[]): Promise<string[]> {
  const codes = stores.map(() => `V${++n}`);
  await sql`insert into kaspi_orders (store_id, kaspi_order_id, code, state, status, total_price, created_at)
    select s::bigint, c, c, 'ARCHIVE', 'COMPLETED', 1000, '2026-11-20T06:00:00Z'::timestamptz
    from unnest(${stores}::text[], ${codes}::text[]) as u(s, c)`.execute(db);
  return codes;
}

beforeAll(async () => {
  h = await createTestDatabase();
  one = (await upsertStore(h.db, { merchantId: 'V1', name: 'One' })).id;
  two = (await upsertStore(h.db, { merchantId: 'V2', name: 'Two' })).id;
});
afterAll(async () => {
  await h?.close();
});

describe('kaspi orders version', () => {
  it('a statement bumps each store whose orders or entries it writes, once', async () => {
    expect(await versions()).toEqual([0, 0]);
    const [a, b] = await insertOrders(h.db, one, two, one);
    expect(await versions()).toEqual([1, 1]);
    await sql`insert into kaspi_order_entries (order_id, entry_number, product_code, product_name, quantity, base_price, total_price)
      select id, g, 'P', 'Product', 1, 10, 10 from kaspi_orders, generate_series(1, 3) g where code in (${a}, ${b})`.execute(h.db);
    expect(await versions()).toEqual([2, 2]);
    await sql`update kaspi_order_entries set quantity = 2 where entry_number = 1 and order_id = (select id from kaspi_orders where code = ${a})`.execute(h.db);
    expect(await versions()).toEqual([3, 2]);
    await sql`delete from kaspi_order_entries where entry_number = 3`.execute(h.db);
    expect(await versions()).toEqual([4, 3]);
    await sql`update kaspi_orders set status = 'CANCELLED' where code = ${b}`.execute(h.db);
    expect(await versions()).toEqual([4, 4]);
    // An order moved to another store: both stores' lists changed.
    await sql`update kaspi_orders set store_id = ${two}::bigint where code = ${a}`.execute(h.db);
    expect(await versions()).toEqual([5, 5]);
    // Both now of store two (their entries go by cascade: the orders' delete has bumped).
    await sql`delete from kaspi_orders where code in (${a}, ${b})`.execute(h.db);
    expect(await versions()).toEqual([5, 6]);
  });

  it('a statement that changed no row bumps nothing', async () => {
    const [a] = await insertOrders(h.db, one);
    await sql`insert into kaspi_order_entries (order_id, entry_number, product_code, product_name, quantity, base_price, total_price)
      select id, 1, 'P', 'Product', 1, 10, 10 from kaspi_orders where code = ${a}`.execute(h.db);
    const before = await versions();
    await sql`update kaspi_orders set status = 'X' where false`.execute(h.db);
    await sql`delete from kaspi_orders where false`.execute(h.db);
    await sql`update kaspi_order_entries set quantity = 0 where false`.execute(h.db);
    await sql`delete from kaspi_order_entries where false`.execute(h.db);
    await sql`insert into kaspi_order_entries (order_id, entry_number, product_code, product_name, quantity, base_price, total_price)
      select id, 1, 'P', 'Product', 1, 10, 10 from kaspi_orders where false`.execute(h.db);
    await sql`insert into kaspi_orders (store_id, kaspi_order_id, code, state, status, total_price, created_at)
      values (${one}::bigint, ${a}, ${a}, 'ARCHIVE', 'COMPLETED', 1000, now()) on conflict do nothing`.execute(h.db);
    expect(await versions()).toEqual(before);
  });

  it('an update that leaves its rows as they were, or moves only synced_at, bumps nothing; a change of scale does', async () => {
    const [a] = await insertOrders(h.db, one);
    await sql`insert into kaspi_order_entries (order_id, entry_number, product_code, product_name, quantity, base_price, total_price)
      select id, 1, 'P', 'Product', 1, 10, 10 from kaspi_orders where code = ${a}`.execute(h.db);
    const before = await versions();
    await sql`update kaspi_orders set status = status, total_price = total_price`.execute(h.db);
    await sql`update kaspi_order_entries set quantity = quantity`.execute(h.db);
    // What the sync's upsert does to an order read again unchanged: every column rewritten, synced_at moved.
    await sql`update kaspi_orders set code = code, synced_at = now() + interval '1 hour'`.execute(h.db);
    expect(await versions()).toEqual(before);
    // A change of a number's scale shows (7 → 7.0): it is a change.
    await sql`update kaspi_orders set total_price = 1000.0 where code = ${a}`.execute(h.db);
    expect(await versions()).toEqual([before[0]! + 1, before[1]]);
    await sql`update kaspi_order_entries set base_price = 10.00 where order_id = (select id from kaspi_orders where code = ${a})`.execute(h.db);
    expect(await versions()).toEqual([before[0]! + 2, before[1]]);
  });

  it('deleting a store deletes its orders; the other store keeps its version', async () => {
    const gone = (await upsertStore(h.db, { merchantId: 'V3', name: 'Three' })).id;
    await insertOrders(h.db, gone, gone);
    expect(await version(gone)).toBe('1');
    const before = await versions();
    await sql`delete from kaspi_stores where id = ${gone}::bigint`.execute(h.db);
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from kaspi_orders where store_id = ${gone}::bigint`.execute(h.db);
    expect(rows[0]!.n).toBe('0');
    expect(await versions()).toEqual(before);
  });

  it.skipIf(testEngine !== 'postgres')(
    'an uncommitted orders write does not lock the store row: its settings, pause, upsert and the price list lock go through at once (PostgreSQL; PGlite has one connection)',
    async () => {
      const sync = holdTransaction(h.db, async (trx) => {
        await insertOrders(trx, one);
        await sql`update kaspi_orders set status = 'CANCELLED' where store_id = ${one}::bigint`.execute(trx);
      });
      try {
        await sync.written;
        // A wait for the store row's lock fails after 300 ms instead of waiting for the sync.
        await h.db.transaction().execute(async (trx) => {
          await sql`set local lock_timeout = '300ms'`.execute(trx);
          await setPause(trx, one, new Date('2026-11-21T00:00:00Z'), 'test');
          await upsertStore(trx, { merchantId: 'V1', name: 'One renamed' });
          await sql`update kaspi_stores set points = array['PP1'] where id = ${one}::bigint`.execute(trx);
          // The served price list's lock (two fetches never record one version twice) does not
          // wait for the key-share lock an orders insert takes through its foreign key.
          await lockStore(trx, one);
        });
      } finally {
        sync.release();
        await sync.done;
      }
      await setPause(h.db, one, null, null);
      await upsertStore(h.db, { merchantId: 'V1', name: 'One' });
    },
  );

  it.skipIf(testEngine !== 'postgres')(
    'two transactions writing one store’s orders: the second bump waits for the first, both count (PostgreSQL)',
    async () => {
      const start = await versions();
      const first = holdTransaction(h.db, (trx) => insertOrders(trx, one));
      await first.written;
      let secondDone = false;
      const second = insertOrders(h.db, one, two).then(() => {
        secondDone = true;
      });
      // A read meanwhile sees the committed version, without waiting.
      expect(await versions()).toEqual(start);
      await new Promise((r) => setTimeout(r, 200));
      expect(secondDone).toBe(false);
      first.release();
      await first.done;
      await second;
      expect(await versions()).toEqual([start[0]! + 2, start[1]! + 1]);
    },
  );

  it('the migration carries the versions over from kaspi_stores.orders_version (sql/0030) and drops the column', async () => {
    const fresh =
      testEngine === 'postgres'
        ? await (async () => {
            const url = new URL(h.url!);
            const name = `${url.pathname.slice(1)}_v`;
            await sql.raw(`create database ${name}`).execute(h.db);
            url.pathname = `/${name}`;
            const handle = await openPostgres(url.toString(), { poolSize: 2 });
            return {
              db: handle.db,
              close: async () => {
                await handle.close();
                await sql.raw(`drop database if exists ${name} with (force)`).execute(h.db);
              },
            };
          })()
        : await openMemoryPglite();
    try {
      const all = await new SqlFileMigrationProvider().getMigrations();
      const upTo0030 = Object.fromEntries(Object.entries(all).filter(([name]) => name <= '0030_kaspi_orders_version'));
      const { error } = await new Migrator({ db: fresh.db, provider: { getMigrations: async () => upTo0030 } }).migrateToLatest();
      expect(error).toBeUndefined();
      const a = (await upsertStore(fresh.db, { merchantId: 'A', name: 'A' })).id;
      const b = (await upsertStore(fresh.db, { merchantId: 'B', name: 'B' })).id;
      await sql`update kaspi_stores set orders_version = 41 where id = ${a}::bigint`.execute(fresh.db);
      const applied = await migrateToLatest(fresh.db);
      expect(applied.filter((m) => m.endsWith('_kaspi_orders_versions'))).toHaveLength(1);
      expect([await version(a, fresh.db), await version(b, fresh.db)]).toEqual(['41', '0']);
      await insertOrders(fresh.db, a, b);
      expect([await version(a, fresh.db), await version(b, fresh.db)]).toEqual(['42', '1']);
      const { rows } = await sql<{ n: string }>`select count(*)::text as n from information_schema.columns
        where table_name = 'kaspi_stores' and column_name = 'orders_version'`.execute(fresh.db);
      expect(rows[0]!.n).toBe('0');
    } finally {
      await fresh.close();
    }
  });
});
