// The database behind the bad-input corpus: seeded with one object of each kind a command might
// look up first (so the bad value, not a missing object, is what a case meets), and a digest of
// every table to prove that no failing case changed anything.
import { type Kysely, sql } from 'kysely';
import { resolveConfig } from '../../src/core/config.js';
import { encryptSecret } from '../../src/core/secrets.js';
import { openDatabase } from '../../src/db/connect.js';
import type { Database } from '../../src/db/schema.js';

async function withDb<T>(env: Record<string, string>, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const handle = await openDatabase(resolveConfig({}, env));
  try {
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

/** A payout, a Kaspi store with one managed product and a preorder, a WB cabinet with a recipient, a tracked product. */
export async function seedCorpusDatabase(env: Record<string, string>, payoutId: string): Promise<void> {
  const key = Buffer.from(env.MP_SECRET_KEY!, 'hex');
  await withDb(env, async (db) => {
    await sql`insert into payouts (id, amount, currency, recipient, comment) values (${payoutId}, 100.00, 'RUB', 'acct-seeded', 'seed')`.execute(db);
    const store = await db
      .insertInto('kaspi_stores')
      .values({ merchant_id: '30012345', name: 'corpus-store', token_encrypted: encryptSecret('shop-token', key) } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`insert into demper_products (store_id, sku, product_id, name, price, min_price, max_price) values (${store.id}, 'SKU-1', '123456', 'Seeded', 1000, 900, 1100)`.execute(
      db,
    );
    const user = await db.insertInto('mp_users').values({ name: 'corpus' }).returning('id').executeTakeFirstOrThrow();
    const cabinet = await db
      .insertInto('wb_cabinets')
      .values({ name: 'corpus-cabinet', token_sealed: encryptSecret('a.b.c', key), token_hash: 'corpus-hash', token_last4: 'b.c' } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('wb_cabinet_users').values({ cabinet_id: cabinet.id, user_id: user.id }).execute();
    await sql`insert into notify_recipients (cabinet_id, channel, chat_id) values (${cabinet.id}, 'telegram', '4242')`.execute(db);
  });
}

/** Per table: row count and an md5 of all rows (sorted by their text). Equal digests, equal data. */
export async function databaseDigest(env: Record<string, string>): Promise<Record<string, string>> {
  return withDb(env, async (db) => {
    const tables = (
      await sql<{ t: string }>`select table_name as t from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`.execute(db)
    ).rows.map((r) => r.t);
    const out: Record<string, string> = {};
    for (const t of tables) {
      const row = (
        await sql<{
          n: string;
          h: string | null;
        }>`select count(*)::text as n, md5(string_agg(x::text, '|' order by x::text)) as h from ${sql.table(t)} x`.execute(db)
      ).rows[0]!;
      out[t] = `${row.n}:${row.h ?? ''}`;
    }
    return out;
  });
}
