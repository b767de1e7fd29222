// `mp demper products list|set|enable|disable` (import is in products-import.ts).
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { KASPI } from '../../core/format.js';
import { normalizeDecimal } from '../../core/money.js';
import { currentUser } from '../../core/user.js';
import { formatStrategy } from '../../demper/product-settings.js';
import { type ProductFilter, productsOf, type SetOptions, setProducts, toggleProducts } from '../../demper/products.service.js';
import { storeIdsFor } from '../../kaspi/merchant/stores.service.js';

interface ListOptions {
  store?: string;
  strategy?: string;
  enabled?: boolean;
  disabled?: boolean;
  search?: string;
}

function filterOf(storeId: string | undefined, o: ListOptions & { sku?: string[] }): ProductFilter {
  if (o.enabled && o.disabled) throw new UsageError('BAD_OPTION', 'use either --enabled or --disabled');
  return {
    storeId,
    strategy: o.strategy,
    enabled: o.enabled ? true : o.disabled ? false : undefined,
    search: o.search,
    skus: o.sku,
  };
}

export async function productsList(ctx: Context, o: ListOptions): Promise<void> {
  const { db } = await ctx.db();
  const storeIds = await storeIdsFor(db, o.store, currentUser(ctx.config));
  const rows = (await productsOf(db, { ...filterOf(undefined, o), storeIds })).map((p) => ({
    store: p.merchant_id,
    sku: p.sku,
    product_id: p.product_id,
    name: p.name,
    price: p.price === null ? null : Number(p.price),
    min_price: Number(p.min_price),
    max_price: Number(p.max_price),
    step: Number(p.step),
    strategy: formatStrategy(p.strategy, p.top_n),
    enabled: p.enabled,
    min_margin_pct: p.min_margin_pct === null ? null : normalizeDecimal(p.min_margin_pct),
    last_reason: p.last_reason,
    last_checked_at: p.last_checked_at,
  }));
  ctx.out.list(
    rows,
    [
      { key: 'store' },
      { key: 'sku' },
      { key: 'product_id', header: 'product', priority: 5 },
      { key: 'name', shrink: true, max: 40 },
      { key: 'price', kind: 'money' },
      { key: 'min_price', header: 'min', kind: 'money', priority: 2 },
      { key: 'max_price', header: 'max', kind: 'money', priority: 2 },
      { key: 'step', kind: 'count', priority: 6 },
      { key: 'strategy' },
      { key: 'min_margin_pct', header: 'margin %', align: 'right', priority: 5 },
      { key: 'enabled', priority: 3 },
      { key: 'last_reason', header: 'last', priority: 4 },
    ],
    { market: KASPI },
  );
}

export async function productsSet(ctx: Context, skus: string[], o: SetOptions & { store?: string }): Promise<void> {
  const { db } = await ctx.db();
  const storeIds = await storeIdsFor(db, o.store, currentUser(ctx.config));
  const n = await setProducts(db, undefined, skus, o, storeIds);
  ctx.log.info(`Updated ${n} product(s).`);
}

async function toggle(ctx: Context, o: ListOptions & { sku?: string[]; all?: boolean }, enabled: boolean): Promise<void> {
  if (!o.all && !o.store && !o.strategy && !o.search && !o.sku?.length) {
    throw new UsageError('BAD_OPTION', 'say which products: --store, --strategy, --search, --sku, or --all');
  }
  const { db } = await ctx.db();
  const storeIds = await storeIdsFor(db, o.store, currentUser(ctx.config));
  const n = await toggleProducts(db, { ...filterOf(undefined, { ...o, enabled: undefined, disabled: undefined }), storeIds }, enabled);
  if (ctx.out.json) ctx.out.jsonDocument({ updated: n });
  else ctx.log.info(`${enabled ? 'Enabled' : 'Disabled'} ${n} product(s).`);
}

export const productsEnable = (ctx: Context, o: ListOptions & { sku?: string[]; all?: boolean }) => toggle(ctx, o, true);
export const productsDisable = (ctx: Context, o: ListOptions & { sku?: string[]; all?: boolean }) => toggle(ctx, o, false);
