// Products under price management: import from a file or the merchant cabinet, list, change
// settings, enable and disable.
import type { Kysely } from 'kysely';
import { UsageError, UserError } from '../core/errors.js';
import { readTableFile } from '../core/table-file.js';
import type { TextEncoding } from '../core/text-decode.js';
import type { Database } from '../db/schema.js';
import { type CabinetList, createMcClient, listCabinetOffers, mcBaseUrl } from '../kaspi/merchant/mc-client.js';
import type { SkippedOffer } from '../kaspi/merchant/mc-offers.parser.js';
import type { StoreRow } from '../kaspi/merchant/stores.repository.js';
import { type CabinetDeps, renewCommand, sessionCookie } from '../kaspi/merchant/stores.service.js';
import { minMargin, type ProductInput, parseProductRecord, parseStrategy } from './product-settings.js';
import {
  type DemperProductRow,
  listProducts,
  type ProductFilter,
  patchProducts,
  type SettingsPatch,
  setBrands,
  setPrices,
  upsertProducts,
} from './products.repository.js';

export interface ImportResult {
  imported: number;
  file?: string;
}

/**
 * Validates every row of a products file first; a single bad row rejects the whole file (with
 * every problem and its row number), so nothing half-applied ever reaches the repricer.
 */
export async function importProductsFile(db: Kysely<Database>, store: StoreRow, path: string, o: { encoding?: TextEncoding } = {}): Promise<ImportResult> {
  const table = await readTableFile(path, { encoding: o.encoding });
  for (const required of ['sku', 'product_id', 'min_price', 'max_price']) {
    if (!table.headers.includes(required)) {
      throw new UserError(
        'DEMPER_IMPORT_HEADER',
        `${path}: no "${required}" column; the header is sku,product_id,name,price,min_price,max_price,step,strategy (and optionally min_margin_pct)`,
      );
    }
  }
  const inputs: ProductInput[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const record of table.records) {
    const { input, problems: rowProblems } = parseProductRecord(record.values);
    const first = input ? seen.get(input.sku) : undefined;
    if (input && first !== undefined) rowProblems.push(`sku "${input.sku}" already appears on row ${first}`);
    if (rowProblems.length > 0) problems.push(`row ${record.row}: ${rowProblems.join('; ')}`);
    else if (input) {
      inputs.push(input);
      seen.set(input.sku, record.row);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).join(' | ');
    const more = problems.length > 20 ? ` (and ${problems.length - 20} more)` : '';
    throw new UserError('DEMPER_IMPORT_INVALID', `${path}: nothing imported, fix these rows: ${shown}${more}`, { details: { problems } });
  }
  if (inputs.length === 0) throw new UserError('DEMPER_IMPORT_EMPTY', `${path} has no product rows under its header`);
  await db.transaction().execute((trx) => upsertProducts(trx, store.id, inputs));
  return { imported: inputs.length, file: path };
}

export interface CabinetImport {
  /** Offers the cabinet listed (rows read or skipped). */
  offers: number;
  /** New products (as `hold`, min = max = the cabinet price). */
  imported: number;
  /** Products already under management whose stored price was not the cabinet's: now it is. */
  updated: { sku: string; from: number | null; to: number }[];
  /** Rows that could not be imported, each with its reason. */
  skipped: SkippedOffer[];
  /** The cabinet said it has more offers than it listed. */
  incomplete: { total: number; listed: number } | null;
}

/**
 * Imports merchant-cabinet offers: new ones become products (`hold`, min = max = the price until the
 * seller sets a range), existing ones get the cabinet's price as their stored price (their settings
 * stay). One transaction; returns what was imported, refreshed and skipped (with reasons).
 */
export async function importCabinetOffers(db: Kysely<Database>, store: StoreRow, list: CabinetList): Promise<CabinetImport> {
  const existing = new Map((await listProducts(db, { storeId: store.id })).map((p) => [p.sku, p]));
  const inputs: ProductInput[] = [];
  const refresh: { sku: string; price: number }[] = [];
  // The cabinet's brand is what the price list states (an empty one keeps the stored brand).
  const brands: { sku: string; brand: string }[] = [];
  const updated: CabinetImport['updated'] = [];
  for (const o of list.offers) {
    const known = existing.get(o.sku);
    if (known) {
      if (o.brand && o.brand !== known.brand) brands.push({ sku: o.sku, brand: o.brand });
      const stored = known.price === null ? null : Number(known.price);
      if (stored !== o.price) {
        refresh.push({ sku: o.sku, price: o.price });
        updated.push({ sku: o.sku, from: stored, to: o.price });
      }
      continue;
    }
    inputs.push({
      sku: o.sku,
      productId: o.productId,
      name: o.name,
      price: o.price,
      minPrice: o.price,
      maxPrice: o.price,
      step: 1,
      strategy: 'hold',
      topN: null,
      brand: o.brand,
    });
  }
  await db.transaction().execute(async (trx) => {
    await upsertProducts(trx, store.id, inputs);
    await setPrices(trx, store.id, refresh);
    await setBrands(trx, store.id, brands);
  });
  const incomplete = list.total !== null && list.rows < list.total ? { total: list.total, listed: list.rows } : null;
  return { offers: list.rows, imported: inputs.length, updated, skipped: list.skipped, incomplete };
}

export interface SetOptions {
  min?: string;
  max?: string;
  step?: string;
  strategy?: string;
  enable?: boolean;
  disable?: boolean;
  /** Percent, or `none` to fall back to the store-wide default. */
  minMargin?: string;
}

/** Changes the settings of the named SKUs, checking min ≤ max against the stored values too. */
export async function setProducts(
  db: Kysely<Database>,
  storeId: string | undefined,
  skus: string[],
  options: SetOptions,
  storeIds?: string[],
): Promise<number> {
  const patch = parsePatch(options);
  const rows = await listProducts(db, { storeId, storeIds, skus });
  const missing = skus.filter((s) => !rows.some((r) => r.sku === s));
  if (missing.length > 0) throw new UserError('DEMPER_UNKNOWN_SKU', `unknown SKU ${missing.join(', ')}: see \`mp demper products list\``);
  for (const row of rows) {
    const min = patch.minPrice ?? Number(row.min_price);
    const max = patch.maxPrice ?? Number(row.max_price);
    if (min > max) throw new UsageError('DEMPER_MIN_ABOVE_MAX', `${row.sku}: min ${min} would be above max ${max}; nothing changed`);
  }
  return db.transaction().execute((trx) =>
    patchProducts(
      trx,
      rows.map((r) => r.id),
      patch,
    ),
  );
}

/** Enables or disables every product matching the filter; returns how many changed. */
export async function toggleProducts(db: Kysely<Database>, filter: ProductFilter, enabled: boolean): Promise<number> {
  const rows = await listProducts(db, filter);
  return patchProducts(
    db,
    rows.map((r) => r.id),
    { enabled },
  );
}

function parsePatch(options: SetOptions): SettingsPatch {
  const patch: SettingsPatch = {};
  const whole = (text: string, flag: string, min: number): number => {
    // At most 12 digits: a 23-digit number would become 1.2e22, not the number typed.
    if (!/^0*\d{1,12}$/.test(text.trim()) || Number(text) < min)
      throw new UsageError('DEMPER_BAD_PRICE', `${flag} must be whole tenge from ${min} to 999999999999, got "${text}"`);
    return Number(text);
  };
  if (options.min !== undefined) patch.minPrice = whole(options.min, '--min', 10);
  if (options.max !== undefined) patch.maxPrice = whole(options.max, '--max', 10);
  if (options.step !== undefined) patch.step = whole(options.step, '--step', 1);
  if (options.strategy !== undefined) {
    const s = parseStrategy(options.strategy);
    if (!s) throw new UsageError('DEMPER_BAD_STRATEGY', `--strategy must be undercut, match, hold, top-n or top-<N>, got "${options.strategy}"`);
    patch.strategy = s.strategy;
    patch.topN = s.topN;
  }
  if (options.enable && options.disable) throw new UsageError('DEMPER_BAD_FLAGS', 'use either --enable or --disable');
  if (options.minMargin !== undefined) {
    const t = options.minMargin.trim().toLowerCase();
    patch.minMarginPct = t === 'none' || t === '' ? null : minMargin(options.minMargin, '--min-margin');
  }
  if (options.enable) patch.enabled = true;
  if (options.disable) patch.enabled = false;
  if (patch.minPrice !== undefined && patch.maxPrice !== undefined && patch.minPrice > patch.maxPrice) {
    throw new UsageError('DEMPER_MIN_ABOVE_MAX', `--min ${patch.minPrice} is above --max ${patch.maxPrice}`);
  }
  if (Object.keys(patch).length === 0)
    throw new UsageError('DEMPER_NOTHING_TO_SET', 'give at least one of --min, --max, --step, --strategy, --min-margin, --enable, --disable');
  return patch;
}

export type { DemperProductRow, ProductFilter };

/** The managed products that match the filter, with their store's merchant id. */
export function productsOf(db: Kysely<Database>, filter: ProductFilter): Promise<(DemperProductRow & { merchant_id: string })[]> {
  return listProducts(db, filter);
}

/** `mp demper products import` without a file: lists the store's offers in the configured cabinet and imports them. */
export async function importStoreCabinetOffers(deps: CabinetDeps, store: StoreRow): Promise<CabinetImport> {
  const mc = createMcClient(mcBaseUrl(deps.config), deps.log);
  try {
    const list = await listCabinetOffers(mc, sessionCookie(store, deps.secretKey), store.merchant_id, renewCommand(store), store.city_id);
    return await importCabinetOffers(deps.db, store, list);
  } finally {
    await mc.close();
  }
}
