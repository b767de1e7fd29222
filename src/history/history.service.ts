// `mp history`: a stored Kaspi product's history (and its sellers' offer events) as rows and as
// chart series; the list of stored products.
import type { Kysely } from 'kysely';
import { UserError } from '../core/errors.js';
import type { Database } from '../db/schema.js';
import { ALMATY_CITY_ID, cityName } from '../kaspi/cities.js';
import { parseProductRef } from '../kaspi/product-ref.js';
import { badInputMessage } from '../kaspi/scrape-inputs.js';
import type { ChartPoint, ChartSeries } from './chart.js';
import {
  findProductCities,
  type ListedProduct,
  type ListQuery,
  listStoredProducts,
  type OfferEventRow,
  offerEvents,
  type ProductHistoryRow,
  productHistory,
  type StoredProduct,
} from './history.repository.js';

type Db = Kysely<Database>;

export type { ListSort } from './history.repository.js';

export interface HistoryQuery {
  /** A product URL or id, as `mp kaspi scrape` takes it. */
  input: string;
  /** A city id (already resolved); else the URL's city, the only stored city, or Almaty. */
  city?: string;
  since?: Date;
}

export interface ProductHistory {
  product: StoredProduct;
  /** History rows in the window, oldest first. */
  rows: ProductHistoryRow[];
  /** min/max price over time, from the state at `since` to the last check. */
  series: ChartSeries[];
}

/** Finds the stored product for a URL or id (and city); a UserError says how to get it stored. */
export async function resolveStoredProduct(db: Db, input: string, city?: string): Promise<StoredProduct> {
  const ref = parseProductRef(input);
  if (!ref) throw new UserError('KASPI_BAD_INPUT', badInputMessage(input));
  const wanted = city ?? ref.city;
  const stored = await findProductCities(db, ref.id);
  if (stored.length === 0) {
    throw new UserError('HISTORY_NOT_FOUND', `no stored history for Kaspi product ${ref.id}: scrape it first with \`mp kaspi scrape ${ref.id}\``);
  }
  const product = wanted ? stored.find((p) => p.city_id === wanted) : stored.length === 1 ? stored[0] : stored.find((p) => p.city_id === ALMATY_CITY_ID);
  if (!product) {
    const cities = stored.map((p) => `${cityName(p.city_id)} (${p.city_id})`).join(', ');
    throw new UserError(
      'HISTORY_NOT_FOUND',
      wanted
        ? `Kaspi product ${ref.id} is stored for ${cities}, not ${cityName(wanted)}: pass one of those with --city, or scrape it with \`mp kaspi scrape ${ref.id} --city ${wanted}\``
        : `Kaspi product ${ref.id} is stored for several cities (${cities}): pick one with --city`,
    );
  }
  return product;
}

const money = (v: string | null): number | null => (v === null ? null : Number(v));

/** A product's history rows since `since` and its min/max price series. */
export async function showProductHistory(db: Db, query: HistoryQuery): Promise<ProductHistory> {
  const product = await resolveStoredProduct(db, query.input, query.city);
  const all = await productHistory(db, product.id);
  const since = query.since?.getTime();
  const rows = since === undefined ? all : all.filter((r) => r.checked_at.getTime() >= since);
  // The chart starts from the state in force at `since` (the last row before it), if any.
  const before = since === undefined ? undefined : all.filter((r) => r.checked_at.getTime() < since).at(-1);
  const charted: { t: number; row: ProductHistoryRow }[] = rows.map((row) => ({ t: row.checked_at.getTime(), row }));
  if (before && since !== undefined) charted.unshift({ t: since, row: before });
  const points = (pick: (r: ProductHistoryRow) => string | null): ChartPoint[] => charted.map(({ t, row }) => ({ t, v: money(pick(row)) }));
  return {
    product,
    rows,
    // max first, so min (what a seller races against) is drawn on top where they meet.
    series: [
      { label: 'max price', points: points((r) => r.max_price) },
      { label: 'min price', points: points((r) => r.min_price) },
    ],
  };
}

export interface SellerHistory {
  merchant_id: string;
  merchant_name: string;
  /** Events in the window, oldest first. */
  events: OfferEventRow[];
  /** The seller's price over time; null while the offer is gone. */
  series: ChartSeries;
}

export interface OfferHistory {
  product: StoredProduct;
  sellers: SellerHistory[];
}

/** Offer events per seller; `seller` (a merchant id or part of a name) narrows it to matching sellers. */
export async function showOfferHistory(db: Db, query: HistoryQuery & { seller?: string }): Promise<OfferHistory> {
  const product = await resolveStoredProduct(db, query.input, query.city);
  const events = await offerEvents(db, product.id);
  const byMerchant = new Map<string, OfferEventRow[]>();
  for (const e of events) byMerchant.set(e.merchant_id, [...(byMerchant.get(e.merchant_id) ?? []), e]);
  let merchants = [...byMerchant.keys()];
  if (query.seller !== undefined) {
    const needle = query.seller.trim().toLowerCase();
    const exact = merchants.filter((m) => m.toLowerCase() === needle);
    merchants = exact.length > 0 ? exact : merchants.filter((m) => byMerchant.get(m)!.at(-1)!.merchant_name.toLowerCase().includes(needle));
    if (merchants.length === 0) {
      const known = [...byMerchant.values()].map((list) => `${list.at(-1)!.merchant_name} (${list.at(-1)!.merchant_id})`);
      throw new UserError(
        'HISTORY_NO_SELLER',
        `no seller matching "${query.seller}" for Kaspi product ${product.kaspi_id}; sellers: ${known.slice(0, 10).join(', ') || 'none'}${known.length > 10 ? ', …' : ''}`,
      );
    }
  }
  const since = query.since?.getTime();
  const sellers = merchants.map((merchantId) => {
    const list = byMerchant.get(merchantId)!;
    const inWindow = since === undefined ? list : list.filter((e) => e.created_at.getTime() >= since);
    const before = since === undefined ? undefined : list.filter((e) => e.created_at.getTime() < since).at(-1);
    const points: ChartPoint[] = inWindow.map((e) => ({ t: e.created_at.getTime(), v: e.event === 'disappeared' ? null : money(e.new_price) }));
    if (before && before.event !== 'disappeared' && since !== undefined) points.unshift({ t: since, v: money(before.new_price) });
    const name = list.at(-1)!.merchant_name;
    return { merchant_id: merchantId, merchant_name: name, events: inWindow, series: { label: name, points } };
  });
  return { product, sellers: sellers.filter((s) => s.events.length > 0 || s.series.points.length > 0) };
}

/** Stored products with their last check, prices and counts. */
export function listProductHistory(db: Db, query: ListQuery): Promise<ListedProduct[]> {
  return listStoredProducts(db, query);
}
