// sql/0019: product URLs stored before it (the page's shopLink made absolute as https://kaspi.kz/p/…,
// a URL mp itself refused, or the base URL mp fetched from with ?c=) become the canonical form, which
// mp reads back as the same product.
import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DbHandle, openMemoryPglite, openPostgres } from '../../src/db/connect.js';
import { migrateToLatest, SqlFileMigrationProvider } from '../../src/db/migrate.js';
import { parseProductRef } from '../../src/kaspi/product-ref.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

let admin: TestDatabase | undefined;
let handle: DbHandle;
let dropName: string | undefined;

beforeAll(async () => {
  if (testEngine === 'postgres') {
    // A fresh database of its own: the shared test database is already migrated to the latest.
    admin = await createTestDatabase();
    dropName = `${new URL(admin.url!).pathname.slice(1)}_u`;
    await sql.raw(`create database ${dropName}`).execute(admin.db);
    const url = new URL(admin.url!);
    url.pathname = `/${dropName}`;
    handle = await openPostgres(url.toString(), { poolSize: 2 });
  } else {
    handle = await openMemoryPglite();
  }
});
afterAll(async () => {
  await handle?.close();
  if (admin && dropName) await sql.raw(`drop database if exists ${dropName} with (force)`).execute(admin.db);
  await admin?.close();
});

it('rewrites every stored product URL to https://kaspi.kz/shop/p/<slug>-<id>/', async () => {
  const migrator = new Migrator({ db: handle.db, provider: new SqlFileMigrationProvider() });
  const { error } = await migrator.migrateTo('0018_user_scoping');
  expect(error).toBeUndefined();
  const rows: [string, string, string][] = [
    // [kaspi_id, stored url, expected]
    [
      '121207970',
      'https://kaspi.kz/p/rashgard-635798142-chernyi-xl-121207970/?c=710000000',
      'https://kaspi.kz/shop/p/rashgard-635798142-chernyi-xl-121207970/',
    ],
    ['113137790', 'http://127.0.0.1:4010/shop/p/smartfon-apple-113137790/?c=750000000', 'https://kaspi.kz/shop/p/smartfon-apple-113137790/'],
    ['100412340', 'https://relay.example/shop/p/-100412340/?c=750000000', 'https://kaspi.kz/shop/p/-100412340/'],
    ['11636226b', 'https://kaspi.kz/p/nabor-11636226b/', 'https://kaspi.kz/shop/p/nabor-11636226b/'],
    // A link that names another product: the slug-less form of this one.
    ['105678901', 'https://kaspi.kz/p/other-105678999/', 'https://kaspi.kz/shop/p/-105678901/'],
    ['120987654', 'https://kaspi.kz/shop/p/holodilnik-120987654/', 'https://kaspi.kz/shop/p/holodilnik-120987654/'],
  ];
  for (const [id, url] of rows) {
    await sql`insert into kaspi_products (kaspi_id, city_id, name, url) values (${id}, '750000000', ${`product ${id}`}, ${url})`.execute(handle.db);
  }
  await migrateToLatest(handle.db);
  const { rows: after } = await sql<{ kaspi_id: string; url: string; offers_status: string; incomplete_fields: string[] }>`
    select kaspi_id, url, offers_status, incomplete_fields from kaspi_products`.execute(handle.db);
  const byId = new Map(after.map((r) => [r.kaspi_id, r]));
  for (const [id, , expected] of rows) {
    expect(byId.get(id)).toMatchObject({ url: expected, offers_status: 'ok', incomplete_fields: [] });
    expect(parseProductRef(expected)).toEqual({ id });
  }
  // The new status is allowed, and only the four known ones are.
  await sql`update kaspi_products set offers_status = 'incomplete' where kaspi_id = '121207970'`.execute(handle.db);
  await expect(sql`update kaspi_products set offers_status = 'maybe' where kaspi_id = '121207970'`.execute(handle.db)).rejects.toThrow();
});
