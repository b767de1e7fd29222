// A deterministic sequence of Kaspi scrape batches for the snapshot writer (test/kaspi/snapshot-batch.test.ts):
// first sights and re-scrapes mixed in one batch, in no particular key order; offers appearing,
// changing price or details, leaving and coming back; unknown and incomplete offers; weak layout
// fields; texts with quotes, braces, commas, backslashes and Cyrillic; empty arrays and nulls; the
// same product twice in one call. And a dump of the four tables it writes, to compare databases.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import type { KaspiOffer } from '../../src/kaspi/offers.parser.js';
import type { ProductObservation, SnapshotToWrite } from '../../src/kaspi/snapshot.service.js';

const ALMATY = '750000000';
const ASTANA = '710000000';
const NASTY = 'Смартфон "Galaxy" {A55}, 8\\256 ГБ — «чёрный» NULL';

function offers(product: number, count: number, bump: (m: number) => number = () => 0, skip: (m: number) => boolean = () => false): KaspiOffer[] {
  const out: KaspiOffer[] = [];
  for (let m = 0; m < count; m++) {
    if (skip(m)) continue;
    out.push({
      merchantId: m === 3 ? 'Satel' : `m${product}-${m}`,
      merchantName: m === 1 ? `ТОО "Магазин\\${product}" {1,2}` : `Shop ${m}`,
      price: String(100_000 + product * 1_000 + m * 10 + bump(m)),
      merchantRating: m % 5 === 0 ? null : 4 + (m % 10) / 10,
      merchantReviewCount: m % 7 === 0 ? null : m * 3,
      deliveryType: m % 2 ? 'DELIVERY' : null,
      deliveryDuration: m % 3 ? `${m % 4} дня` : null,
      kaspiDelivery: m % 4 === 0 ? null : m % 4 === 1,
      preorderDays: m % 9 === 0 ? 3 : null,
    });
  }
  // De-duplicated offers come cheapest first, as the scraper orders them.
  return out.sort((a, b) => Number(a.price) - Number(b.price));
}

function obs(n: number, o: Partial<ProductObservation> = {}): ProductObservation {
  return {
    kaspiId: `${1000 + n}`,
    cityId: n % 4 === 3 ? ASTANA : ALMATY,
    url: `https://kaspi.kz/shop/p/p-${1000 + n}/`,
    name: `Product ${n}`,
    descriptionText: `About ${n}`,
    descriptionHtml: `<p>About <b>${n}</b></p>`,
    category: 'Smartphones',
    categoryPath: ['Electronics', 'Phones', 'Smartphones'],
    brand: 'Brand',
    photos: [`https://img/${n}/1.jpg`, `https://img/${n}/2.jpg`],
    weak: [],
    offers: offers(n, 20),
    offersStatus: 'ok',
    rating: 4.5,
    reviewCount: 10 + n,
    ...o,
  };
}

const at = (hour: number) => new Date(Date.UTC(2026, 10, 21, hour, 7, 30, 123));

/** The batches, in order; each product with its own observation time. */
export function snapshotScenario(): SnapshotToWrite[][] {
  const first: SnapshotToWrite[] = [
    obs(5, { offers: offers(5, 150) }),
    obs(1),
    obs(0, { name: NASTY, descriptionText: null, descriptionHtml: null, brand: null, categoryPath: [], photos: [], category: null }),
    obs(2, { offers: [], offersStatus: 'none', rating: null, reviewCount: null }),
    obs(3, { offers: null, offersStatus: 'unknown', rating: undefined, reviewCount: undefined }),
    obs(4, { offers: null, offersStatus: 'incomplete', categoryPath: ['a"b', 'c,d', '{e}', 'f\\g', '', 'NULL', 'Ж'] }),
    obs(6, { photos: ['https://img/6/"quoted".jpg', 'https://img/6/{x,y}.jpg'], brand: "O'Brien\\Co" }),
    obs(7, { offers: offers(7, 1) }),
    obs(8),
    obs(9, { rating: 4.25, reviewCount: 0 }),
  ].map((o, i) => ({ obs: o, now: at(1 + (i % 3)) }));
  const second: SnapshotToWrite[] = [
    obs(12), // new
    obs(0, { name: NASTY, descriptionText: null, descriptionHtml: null, brand: null, categoryPath: [], photos: [], category: null }), // unchanged
    obs(1, {
      offers: offers(
        1,
        22,
        (m) => (m % 4 === 0 ? -50 : 0),
        (m) => m === 5 || m === 6,
      ),
    }), // prices, two left, two new
    obs(5, {
      offers: offers(
        5,
        150,
        () => 0,
        (m) => m > 140,
      ),
      reviewCount: 99,
    }), // nine left
    obs(3, { offers: offers(3, 5) }), // unknown → ok
    obs(4, { offers: null, offersStatus: 'incomplete', rating: 3.9 }),
    obs(2, { offers: offers(2, 3), offersStatus: 'ok' }), // none → sellers
    obs(6, {
      weak: ['description', 'category', 'photos', 'brand'],
      descriptionText: null,
      descriptionHtml: null,
      category: null,
      categoryPath: [],
      photos: [],
      brand: null,
    }),
    obs(7, { offers: [], offersStatus: 'none' }), // the only seller left
    obs(8, { offers: offers(8, 20).map((o, i) => (i === 2 ? { ...o, merchantName: 'Renamed', kaspiDelivery: !o.kaspiDelivery } : o)) }), // details only
    obs(13, { offers: null, offersStatus: 'unknown' }), // new, unknown
    obs(9, { name: 'Product 9 — новое имя', rating: undefined, reviewCount: undefined }),
  ].map((o, i) => ({ obs: o, now: at(5 + (i % 2)) }));
  const third: SnapshotToWrite[] = [
    obs(1, { offers: offers(1, 22) }), // the two come back (re-activated), prices back
    obs(7, { offers: offers(7, 2) }), // the seller comes back, one new
    obs(14, { name: 'x"y\\z{}' }),
    obs(5, { offers: offers(5, 150), weak: ['photos'], photos: [] }), // the nine come back; photos kept
    obs(8, { offers: offers(8, 20, (m) => m) }), // the same product twice in one call
    obs(8, { offers: offers(8, 20, (m) => 2 * m), rating: 4.75 }),
  ].map((o, i) => ({ obs: o, now: at(8 + i) }));
  const single: SnapshotToWrite[] = [{ obs: obs(2, { offers: null, offersStatus: 'incomplete' }), now: at(20) }];
  return [first, second, third, single];
}

/** The order in which a batch writes its products: by `kaspi_id|city_id`, then as given. */
export function inKeyOrder(items: readonly SnapshotToWrite[]): SnapshotToWrite[] {
  const key = (i: SnapshotToWrite) => `${i.obs.kaspiId}|${i.obs.cityId}`;
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => (key(a.item) < key(b.item) ? -1 : key(a.item) > key(b.item) ? 1 : a.i - b.i))
    .map((x) => x.item);
}

/** Every row of the tables a snapshot writes, in id order, as text (so both engines and every type compare alike). */
export async function dumpKaspiSnapshots(db: Kysely<Database>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of ['kaspi_products', 'kaspi_product_history', 'kaspi_offers', 'kaspi_offer_history']) {
    const { rows } = await sql<{ r: string }>`select t::text as r from ${sql.table(table)} t order by id`.execute(db);
    out[table] = rows.map((x) => x.r);
  }
  return out;
}
