// `mp kaspi …` as a subprocess against the fake Kaspi: NDJSON with every field, no history on an
// unchanged re-run, exactly the expected changes after a price moves, the export files, the
// tracked list, and a bad input failing with one line.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaspi, KASPI_IDS, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

let kaspi: FakeKaspi;
let home: string;
let handle: TestDatabase | undefined;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  kaspi = await startFakeKaspi();
  home = mkdtempSync(join(tmpdir(), 'mp-kaspi-cli-'));
  env = { MP_HOME: home, MP_KASPI_URL: kaspi.url };
  if (testEngine === 'postgres') {
    handle = await createTestDatabase();
    env.DATABASE_URL = handle.url;
  }
});
// Each test answers for its requests: none the fake has no route for, no fault left unused.
afterEach(() => kaspi.verify());
afterAll(async () => {
  await kaspi?.stop();
  await handle?.close();
  rmSync(home, { recursive: true, force: true });
});

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);

describe('mp kaspi scrape (subprocess)', { timeout: 240_000 }, () => {
  const exportDir = () => join(home, 'out');
  const scrape = (...args: string[]) => runMp(['kaspi', 'scrape', ...args, '--json', '--export-dir', exportDir()], { env });

  it('prints one NDJSON record per product with every field and writes the export', async () => {
    const r = await scrape(KASPI_IDS.phone, `https://kaspi.kz/shop/p/akkumuljatornaja-otvertka-${KASPI_IDS.single}/?c=750000000&utm_source=tg`);
    expect(r.stderr).not.toMatch(/"level":"error"/);
    expect(r.code).toBe(0);
    const records = lines(r.stdout);
    expect(records).toHaveLength(2);
    const phone = records.find((x) => x.id === KASPI_IDS.phone)!;
    expect(Object.keys(phone).sort()).toEqual(
      [
        'ok',
        'id',
        'city_id',
        'url',
        'name',
        'description_text',
        'description_html',
        'category',
        'category_path',
        'brand',
        'min_price',
        'max_price',
        'rating',
        'review_count',
        'seller_count',
        'offers_status',
        'photos',
        'incomplete_fields',
        'checked_at',
        'offers',
        'offers_total',
        'changes',
        'complete',
        'warnings',
      ].sort(),
    );
    expect(phone).toMatchObject({
      ok: true,
      city_id: '750000000',
      brand: 'Apple',
      category: 'Смартфоны',
      seller_count: 148,
      rating: '4.9',
      review_count: 10_727,
    });
    expect(phone.offers).toHaveLength(148);
    expect(Object.keys(phone.offers[0]).sort()).toEqual(
      [
        'merchant_id',
        'merchant_name',
        'price',
        'merchant_rating',
        'merchant_review_count',
        'delivery_type',
        'delivery_duration',
        'kaspi_delivery',
        'preorder_days',
      ].sort(),
    );
    expect(phone.offers[0].price).toBe(phone.min_price);
    expect(phone.changes).toMatchObject({ first_seen: true, offers: expect.any(Array) });
    expect(phone.changes.offers).toHaveLength(148);

    const files = readdirSync(join(exportDir(), 'kaspi')).sort();
    expect(files).toEqual([`${KASPI_IDS.single}-750000000.json`, `${KASPI_IDS.phone}-750000000.json`, 'products.json'].sort());
    const exported = JSON.parse(readFileSync(join(exportDir(), 'kaspi', `${KASPI_IDS.phone}-750000000.json`), 'utf8'));
    expect(exported).toMatchObject({ id: KASPI_IDS.phone, min_price: phone.min_price, offers: expect.any(Array) });
    expect(JSON.parse(readFileSync(join(exportDir(), 'kaspi', 'products.json'), 'utf8'))).toHaveLength(2);
  });

  it('an unchanged re-run reports no changes; one price change reports exactly that', async () => {
    const again = lines((await scrape(KASPI_IDS.phone, KASPI_IDS.single)).stdout);
    for (const record of again) expect(record.changes).toEqual({ first_seen: false, fields: [], offers: [] });

    const cheapest = again.find((x) => x.id === KASPI_IDS.single)!.offers[0];
    kaspi.setPrice(KASPI_IDS.single, cheapest.merchant_id, 33_990);
    const changed = lines((await scrape(KASPI_IDS.phone, KASPI_IDS.single)).stdout);
    expect(changed.find((x) => x.id === KASPI_IDS.phone)!.changes).toEqual({ first_seen: false, fields: [], offers: [] });
    expect(changed.find((x) => x.id === KASPI_IDS.single)!.changes).toEqual({
      first_seen: false,
      fields: ['min_price', 'max_price'],
      offers: [{ event: 'price_changed', merchant_id: cheapest.merchant_id, old_price: '34990', new_price: '33990' }],
    });
    if (handle) {
      // On PostgreSQL the rows themselves can be counted: 1 + 1 product-history rows for the drill.
      const rows = await handle.db
        .selectFrom('kaspi_product_history as h')
        .innerJoin('kaspi_products as p', 'p.id', 'h.product_id')
        .select(['p.kaspi_id', 'h.changed_fields'])
        .orderBy('h.id')
        .execute();
      expect(rows.filter((r) => r.kaspi_id === KASPI_IDS.single).map((r) => (r.changed_fields.length > 2 ? 'first' : r.changed_fields.join()))).toEqual([
        'first',
        'min_price,max_price',
      ]);
      expect(rows.filter((r) => r.kaspi_id === KASPI_IDS.phone)).toHaveLength(1);
    }
  });

  it('tracks products and scrapes the tracked list', async () => {
    const add = await runMp(['kaspi', 'track', 'add', KASPI_IDS.description, '--city', 'astana', '--json'], { env });
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toEqual({ added: [{ id: KASPI_IDS.description, city_id: '710000000' }], already_tracked: [] });
    const tracked = lines((await scrape('--tracked')).stdout);
    expect(tracked.map((x) => [x.id, x.city_id, x.ok])).toEqual([[KASPI_IDS.description, '710000000', true]]);
    const list = await runMp(['kaspi', 'track', 'list'], { env });
    expect(list.stdout.trim().split('\t').slice(0, 3)).toEqual([KASPI_IDS.description, 'Astana', tracked[0]!.name]);
  });

  it('an export folder that cannot be written: exit 1, one line naming it, nothing fetched', async () => {
    const file = join(home, 'not-a-folder');
    writeFileSync(file, '');
    const pagesBefore = kaspi.server.requestsTo('/shop/p/:slug').length;
    const r = await runMp(['kaspi', 'scrape', KASPI_IDS.single, '--export-dir', join(file, 'out')], { env });
    expect(r.code).toBe(1);
    const stderr = r.stderr.trim().split('\n');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain('KASPI_EXPORT_FAILED');
    expect(stderr[0]).toContain(join(file, 'out', 'kaspi'));
    expect(kaspi.server.requestsTo('/shop/p/:slug').length).toBe(pagesBefore);
  });

  it('a bad input: exit 1 and one line naming it', async () => {
    const r = await runMp(['kaspi', 'scrape', 'not-a-url'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const stderr = r.stderr.trim().split('\n');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain('not-a-url');
  });
});
