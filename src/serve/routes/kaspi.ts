// /api/v1/kaspi: Kaspi stores, the repricer's managed products, orders, sales and preorders, over the
// services `mp demper …`, `mp kaspi orders|sales` and `mp preorders list` use, scoped to the token's
// user as MP_USER scopes the commands (another user's store is 403 FORBIDDEN, one that does not exist
// 404 STORE_NOT_FOUND). The repricer's plans and runs are in kaspi-repricer.ts.
import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { UsageError } from '../../core/errors.js';
import { normalizeDecimal } from '../../core/money.js';
import { ALMATY, parseSince } from '../../core/time.js';
import { formatStrategy } from '../../demper/product-settings.js';
import { listProducts } from '../../demper/products.repository.js';
import { setProducts, toggleProducts } from '../../demper/products.service.js';
import { ORDER_STATES } from '../../kaspi/merchant/shop-api.parser.js';
import { listStores, type StoreRow } from '../../kaspi/merchant/stores.repository.js';
import { addStore, removeStore, resolveStore, storeView } from '../../kaspi/merchant/stores.service.js';
import { storeOrdersPage, storeOrdersVersion } from '../../kaspi-orders/orders.service.js';
import { periodWindow, salesReport, sinceWindow } from '../../kaspi-orders/sales.service.js';
import { listStorePreorders } from '../../preorders/preorders.service.js';
import { commissionTable } from '../../profit/kaspi-commissions.js';
import { kaspiProfit } from '../../profit/kaspi-profit.service.js';
import { profitPeriod } from '../../profit/period.js';
import { type CachedPage, PageCache } from '../page-cache.js';
import { route } from '../route.js';
import { DateTime, Decimal, Nullable, Page, PageQuery, pageMeta, paginate, plain } from '../schemas.js';
import { kaspiRepricerRoutes } from './kaspi-repricer.js';

export const StoreParams = Type.Object({ store: Type.String({ minLength: 1, maxLength: 200, description: 'merchant id or store name' }) });

const Store = Type.Object(
  {
    merchant_id: Type.String(),
    name: Type.String(),
    city_id: Type.String(),
    session: Type.Union([Type.Literal('stored'), Type.Literal('')], { description: 'whether cabinet cookies are stored (never shown)' }),
    token: Type.Union([Type.Literal('stored'), Type.Literal('')], { description: 'whether a Shop API token is stored (never shown)' }),
    session_valid: Nullable(Type.Boolean()),
    paused_until: Nullable(DateTime('price writes paused until (Kaspi answered 429)')),
    points: Type.String({ description: 'enabled points of sale, e.g. "PP1 PP2"' }),
    cities: Type.String({ description: 'city ids, the home city first' }),
  },
  { additionalProperties: false },
);

const Strategy = Type.Union(
  ['undercut', 'match', 'hold', 'top-n'].map((s) => Type.Literal(s)),
  { 'x-mp-code': 'DEMPER_BAD_STRATEGY' },
);
const Tenge = (what: string) =>
  Type.Integer({ minimum: 10, maximum: 999_999_999_999, description: `${what}, whole tenge (≥ 10)`, 'x-mp-code': 'DEMPER_BAD_PRICE' });

const Product = Type.Object(
  {
    store: Type.String({ description: 'merchant id' }),
    sku: Type.String(),
    product_id: Type.String(),
    name: Type.String(),
    brand: Type.String(),
    price: Nullable(Decimal('the price on Kaspi as last read or sent, tenge')),
    min_price: Decimal(),
    max_price: Decimal(),
    step: Decimal(),
    strategy: Type.String({ description: 'undercut, match, hold or top-<N>' }),
    min_margin_pct: Nullable(Decimal('minimum margin in percent; null: the store-wide default')),
    enabled: Type.Boolean(),
    last_reason: Nullable(Type.String()),
    last_checked_at: Nullable(DateTime()),
  },
  { additionalProperties: false },
);

function productView(p: Awaited<ReturnType<typeof listProducts>>[number]) {
  return {
    store: p.merchant_id,
    sku: p.sku,
    product_id: p.product_id,
    name: p.name,
    brand: p.brand,
    price: p.price === null ? null : normalizeDecimal(p.price),
    min_price: normalizeDecimal(p.min_price),
    max_price: normalizeDecimal(p.max_price),
    step: normalizeDecimal(p.step),
    strategy: formatStrategy(p.strategy, p.top_n),
    min_margin_pct: p.min_margin_pct === null ? null : normalizeDecimal(p.min_margin_pct),
    enabled: p.enabled,
    last_reason: p.last_reason,
    last_checked_at: p.last_checked_at,
  };
}

const Order = Type.Object(
  {
    code: Type.String(),
    createdAt: DateTime(),
    createdAlmaty: Type.String({ description: 'creation time in Almaty, YYYY-MM-DD HH:MM' }),
    state: Type.String(),
    status: Type.String(),
    totalPrice: Decimal(),
    units: Type.Integer({ minimum: 0 }),
    products: Type.String({ description: 'product names, "; " between them' }),
    deliveryMode: Nullable(Type.String()),
    plannedDeliveryDate: Nullable(DateTime()),
    approvedAt: Nullable(DateTime()),
    preOrder: Type.Boolean(),
    pickupPointId: Nullable(Type.String()),
    city: Nullable(Type.String()),
    customer: Type.String({ description: 'masked' }),
    phone: Type.String({ description: 'masked' }),
  },
  { additionalProperties: false },
);
const AlmatyWindow = Type.Object({ from: DateTime(), to: DateTime(), timeZone: Type.Literal(ALMATY), text: Type.String() }, { additionalProperties: false });
const bucketProps = {
  orders: Type.Integer(),
  sold: Type.Integer(),
  revenue: Decimal(),
  aov: Decimal('average order value: revenue / sold'),
  units: Type.Integer(),
  cancelled: Type.Integer(),
  cancelledSum: Decimal(),
  returned: Type.Integer(),
  returnedSum: Decimal(),
};
const Bucket = Type.Object(bucketProps, { additionalProperties: false });
const Compared = (note: boolean) =>
  Type.Object({ from: DateTime(), ...bucketProps, ...(note ? { note: Type.String() } : {}) }, { additionalProperties: false });
const SalesReport = Type.Object(
  {
    store: Type.String(),
    timeZone: Type.Literal(ALMATY),
    window: AlmatyWindow,
    definitions: Type.Record(Type.String(), Type.String()),
    totals: Bucket,
    by: Type.Union([Type.Literal('day'), Type.Literal('city'), Type.Literal('product')]),
    rows: Type.Array(Type.Object({}, { description: 'a bucket per day or city ({day|city, …totals}), or per product' })),
    today: Compared(true),
    yesterday: Compared(false),
    thisWeek: Compared(true),
    lastWeek: Compared(true),
  },
  { additionalProperties: false },
);
const Preorder = Type.Object(
  {
    sku: Type.String(),
    model: Type.String(),
    brand: Type.String(),
    price: Nullable(Type.Integer({ description: 'the price the preorder file states, tenge' })),
    price_from: Nullable(Type.Union([Type.Literal('repricer'), Type.Literal('own'), Type.Literal('product')])),
    own_price: Nullable(Decimal()),
    pp1: Nullable(Type.String()),
    pp2: Nullable(Type.String()),
    pp3: Nullable(Type.String()),
    pp4: Nullable(Type.String()),
    pp5: Nullable(Type.String()),
    preorder_days: Type.Integer(),
  },
  { additionalProperties: false },
);

const Nd = (d?: string) => Nullable(Decimal(d));
const ProfitReport = Type.Object(
  {
    store: Type.String(),
    marketplace: Type.Literal('kaspi'),
    currency: Type.Literal('KZT'),
    period: Type.Object(
      { fromDay: Type.String(), toDay: Type.String(), from: DateTime(), to: DateTime(), timeZone: Type.String() },
      { additionalProperties: false },
    ),
    formula: Type.String(),
    commissionSource: Type.String(),
    rows: Type.Array(
      Type.Object(
        {
          productCode: Type.String(),
          name: Type.String(),
          orders: Type.Integer(),
          units: Type.Integer(),
          revenue: Decimal(),
          commissionPct: Nd('percent; null when the rate changed within the period'),
          commission: Decimal(),
          delivery: Decimal(),
          cost: Nd('units × unit cost; null when some units have no cost'),
          profit: Nd(),
          marginPct: Nd(),
          unitsWithoutCost: Type.Integer(),
        },
        { additionalProperties: false },
      ),
    ),
    totals: Type.Object(
      {
        units: Type.Integer(),
        revenue: Decimal(),
        commission: Decimal(),
        delivery: Decimal(),
        cost: Nd(),
        profit: Nd(),
        marginPct: Nd(),
        costed: Type.Object({ products: Type.Integer(), revenue: Decimal(), profit: Decimal(), marginPct: Nd() }, { additionalProperties: false }),
        productsWithoutCost: Type.Array(Type.String()),
      },
      { additionalProperties: false },
    ),
    warnings: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

/** `since` of the order lists: an age (7d, 12h) or a date at Almaty midnight, with the CLI's code. */
function almatySince(text: string, now: Date): Date {
  try {
    return parseSince(text, now, ALMATY);
  } catch {
    throw new UsageError('KASPI_BAD_SINCE', `since takes an age like 7d or a date like 2026-11-01 (Almaty time), got "${text}"`);
  }
}

const NOT_FOUND = { 404: 'No such store (STORE_NOT_FOUND)' };

/** A rendered orders page (its items and total) and what it is exact for. */
interface OrdersPage extends CachedPage {
  total: number;
  /** The version of the store's orders (sql/0031) and the store's name it was built at. */
  version: string;
  name: string;
  /** Exact for requests at builtAt ≤ now < until (ms; a relative window's oldest order leaves at until). */
  builtAt: number;
  until: number;
  etag: string;
}

const ETAG_TEXT =
  "Weak validator of the page: the store's orders version, the query, the oldest matched order and the store name (the window's `to` is the request time)";

/** If-None-Match (a list of ETags, or *) names `etag`, weakly compared. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

export function kaspiRoutes() {
  // Orders pages of this server, checked against the database on every request (never stale).
  const orderPages = new PageCache<OrdersPage>(256, 32 * 1024 * 1024);
  return [
    route({
      method: 'GET',
      path: '/api/v1/kaspi/stores',
      operationId: 'kaspiStores',
      summary: 'The Kaspi stores this token’s user may see (`mp demper store list`; secrets never shown)',
      tag: 'kaspi',
      scope: 'read',
      query: Type.Object(PageQuery, { additionalProperties: false }),
      responses: { 200: { description: 'A page of stores', schema: Page(Store) } },
      async handler({ query, deps, user }) {
        return { status: 200, body: plain(paginate((await listStores(deps.db, user)).map(storeView), query)) };
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/kaspi/stores',
      operationId: 'kaspiStoreAdd',
      summary: 'Add a store (or update its session, token, city, points) with its cabinet cookies or Shop API token in the body (`mp demper store add`)',
      tag: 'kaspi',
      scope: 'write',
      body: Type.Object(
        {
          merchant_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\w-]{1,64}$', 'x-mp-code': 'STORE_BAD_MERCHANT' }),
          name: Type.String({ minLength: 1, maxLength: 200 }),
          city: Type.Optional(Type.String({ pattern: '^\\d{6,12}$', description: 'home city id, e.g. 750000000 (Almaty)', 'x-mp-code': 'STORE_BAD_CITY' })),
          session: Type.Optional(Type.String({ minLength: 1, maxLength: 8192, description: 'cabinet cookies `mc-session=…; mc-sid=…` (stored encrypted)' })),
          token: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Kaspi Shop API token (stored encrypted)' })),
          points: Type.Optional(Type.String({ maxLength: 200, description: 'enabled points of sale, e.g. PP1,PP2' })),
        },
        { additionalProperties: false },
      ),
      errors: { 409: 'The store was added by another user: join it with its session or token (STORE_EXISTS)' },
      responses: { 201: { description: 'Added or updated', schema: Store } },
      async handler({ body, deps, user }) {
        const store = await addStore(deps.db, await deps.secretKey(), {
          merchantId: body.merchant_id,
          name: body.name,
          cityId: body.city,
          session: body.session,
          token: body.token,
          points: body.points,
          user,
        });
        return { status: 201, body: plain(storeView(store)), headers: { location: `/api/v1/kaspi/stores/${encodeURIComponent(store.merchant_id)}` } };
      },
    }),
    route({
      method: 'DELETE',
      path: '/api/v1/kaspi/stores/{store}',
      operationId: 'kaspiStoreRemove',
      summary: 'Remove a store with its products, decisions and preorders; a shared one only detaches this user',
      tag: 'kaspi',
      scope: 'write',
      params: StoreParams,
      errors: NOT_FOUND,
      responses: {
        200: {
          description: 'Removed or detached',
          schema: Type.Object(
            { merchant_id: Type.String(), name: Type.String(), removed: Type.Boolean(), detached: Type.Boolean() },
            { additionalProperties: false },
          ),
        },
      },
      async handler({ params, deps, user }) {
        const s = await removeStore(deps.db, params.store, user);
        return { status: 200, body: { merchant_id: s.merchant_id, name: s.name, removed: !s.detached, detached: Boolean(s.detached) } };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/kaspi/stores/{store}/products',
      operationId: 'kaspiProducts',
      summary: 'The store’s products under price management, by SKU, with filters (`mp demper products list`)',
      tag: 'kaspi',
      scope: 'read',
      params: StoreParams,
      query: Type.Object(
        {
          strategy: Type.Optional(Strategy),
          enabled: Type.Optional(Type.Boolean({ description: 'only enabled (true) or disabled (false) products' })),
          search: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'part of the name or SKU (any case)' })),
          sku: Type.Optional(
            Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 500, description: 'only these SKUs (repeat or comma-separate)' }),
          ),
          ...PageQuery,
        },
        { additionalProperties: false },
      ),
      errors: NOT_FOUND,
      responses: { 200: { description: 'A page of products', schema: Page(Product, { store: Type.String() }) } },
      async handler({ params, query, deps, user }) {
        const store = await resolveStore(deps.db, params.store, user);
        const rows = await listProducts(deps.db, {
          storeId: store.id,
          strategy: query.strategy,
          enabled: query.enabled,
          search: query.search,
          skus: query.sku,
        });
        const page = paginate(rows, query);
        return { status: 200, body: plain({ meta: page.meta, store: store.merchant_id, items: page.items.map(productView) }) };
      },
    }),
    route({
      method: 'PATCH',
      path: '/api/v1/kaspi/stores/{store}/products',
      operationId: 'kaspiProductsToggle',
      summary: 'Enable or disable repricing of many products at once: by SKUs, strategy, search, or all (`mp demper products enable|disable`)',
      tag: 'kaspi',
      scope: 'write',
      params: StoreParams,
      body: Type.Object(
        {
          enabled: Type.Boolean({ description: 'true enables, false disables' }),
          skus: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 10_000 })),
          strategy: Type.Optional(Strategy),
          search: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          all: Type.Optional(Type.Boolean({ description: 'every product of the store (when no other filter is given)' })),
        },
        { additionalProperties: false },
      ),
      errors: NOT_FOUND,
      responses: {
        200: { description: 'How many products matched', schema: Type.Object({ updated: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }) },
      },
      async handler({ params, body, deps, user }) {
        if (!body.all && !body.skus && !body.strategy && !body.search)
          throw new UsageError('BAD_OPTION', 'say which products: skus, strategy, search, or all: true', {
            details: { fields: { all: 'is required without skus, strategy or search' } },
          });
        const store = await resolveStore(deps.db, params.store, user);
        const updated = await toggleProducts(deps.db, { storeId: store.id, skus: body.skus, strategy: body.strategy, search: body.search }, body.enabled);
        return { status: 200, body: { updated } };
      },
    }),
    route({
      method: 'PATCH',
      path: '/api/v1/kaspi/stores/{store}/products/{sku}',
      operationId: 'kaspiProductSet',
      summary: 'Set one product’s strategy and limits: min, max, step, minimum margin, enabled (`mp demper products set`)',
      tag: 'kaspi',
      scope: 'write',
      params: Type.Object({ store: StoreParams.properties.store, sku: Type.String({ minLength: 1, maxLength: 200 }) }),
      body: Type.Object(
        {
          min_price: Type.Optional(Tenge('the floor')),
          max_price: Type.Optional(Tenge('the ceiling')),
          step: Type.Optional(Type.Integer({ minimum: 1, maximum: 999_999_999_999, description: 'tenge per undercut', 'x-mp-code': 'DEMPER_BAD_PRICE' })),
          strategy: Type.Optional(Type.String({ maxLength: 20, description: 'undercut, match, hold, top-n or top-<N>' })),
          min_margin_pct: Type.Optional(Nullable(Type.String({ maxLength: 20, description: 'percent, e.g. "12.5"; null: the store-wide default' }))),
          enabled: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      errors: { 404: 'No such store (STORE_NOT_FOUND), or no such SKU in it (DEMPER_UNKNOWN_SKU)' },
      responses: { 200: { description: 'The product as it is now', schema: Product } },
      async handler({ params, body, deps, user }) {
        const store = await resolveStore(deps.db, params.store, user);
        const text = (n: number | undefined) => (n === undefined ? undefined : String(n));
        await setProducts(deps.db, store.id, [params.sku], {
          min: text(body.min_price),
          max: text(body.max_price),
          step: text(body.step),
          strategy: body.strategy,
          minMargin: body.min_margin_pct === null ? 'none' : body.min_margin_pct,
          enable: body.enabled === true ? true : undefined,
          disable: body.enabled === false ? true : undefined,
        });
        const [row] = await listProducts(deps.db, { storeId: store.id, skus: [params.sku] });
        return { status: 200, body: plain(productView(row!)) };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/kaspi/stores/{store}/orders',
      operationId: 'kaspiOrders',
      summary: 'Synced orders created since an Almaty day, newest first, customers masked (`mp kaspi orders`)',
      tag: 'kaspi',
      scope: 'read',
      params: StoreParams,
      query: Type.Object(
        {
          since: Type.Optional(
            Type.String({ maxLength: 40, description: 'since: 7d, 12h or a date (Almaty time); default 7d', 'x-mp-code': 'KASPI_BAD_SINCE' }),
          ),
          state: Type.Optional(
            Type.Union(
              ORDER_STATES.map((s) => Type.Literal(s)),
              { 'x-mp-code': 'KASPI_BAD_STATE' },
            ),
          ),
          status: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: 'an order status, e.g. COMPLETED' })),
          ...PageQuery,
        },
        { additionalProperties: false },
      ),
      headers: [
        {
          name: 'If-None-Match',
          description: 'The ETag of a page the client holds: 304 with no body while the page is still the same',
          schema: { type: 'string' },
        },
      ],
      errors: NOT_FOUND,
      responses: {
        200: {
          description: 'A page of orders',
          schema: Page(Order, { store: Type.String(), window: AlmatyWindow }),
          headers: { ETag: { description: ETAG_TEXT, schema: { type: 'string' } } },
        },
        304: {
          description: 'The page (orders, meta, store name) is the one the If-None-Match ETag names',
          headers: { ETag: { description: ETAG_TEXT, schema: { type: 'string' } } },
        },
      },
      async handler({ params, query, deps, user, raw }) {
        const now = deps.clock.now();
        const since = almatySince(query.since ?? '7d', now);
        const window = sinceWindow(since, now);
        // A relative `since` (7d, 12h) moves with the clock: its page holds only until the oldest
        // matched order leaves the window. A date does not move.
        const span = almatySince(query.since ?? '7d', new Date(now.getTime() + 1)).getTime() !== since.getTime() ? now.getTime() - since.getTime() : undefined;
        const limit = query.limit ?? 50;
        const offset = query.offset ?? 0;
        const status = query.status?.toUpperCase();
        // The store, its visibility (403/404) and its orders' version: one cheap statement.
        let { store, version } = await storeOrdersVersion(deps.db, params.store, user);
        const key = [store.id, span === undefined ? `at${since.getTime()}` : `last${span}`, query.state ?? '', status ?? '', limit, offset].join('\u0000');
        let page = orderPages.get(key);
        const t = now.getTime();
        if (!page || page.version !== version || page.name !== store.name || t < page.builtAt || t >= page.until) {
          // The store (403/404), its orders' version and the page in one statement: one snapshot.
          const built = await storeOrdersPage(deps.db, params.store, user, { since, state: query.state, status, limit, offset });
          store = built.store;
          version = built.version;
          const until = span === undefined || built.oldest === null ? Number.POSITIVE_INFINITY : new Date(built.oldest).getTime() + span;
          const tag = createHash('sha256')
            .update([key, version, store.name, built.oldest === null ? '' : new Date(built.oldest).getTime()].join('\u0000'))
            .digest('base64url')
            .slice(0, 22);
          page = {
            text: built.items,
            bytes: Buffer.byteLength(built.items) + 512,
            total: built.total,
            version,
            name: store.name,
            builtAt: t,
            until,
            etag: `W/"${tag}"`,
          };
          if (built.store.id === key.slice(0, key.indexOf('\u0000'))) orderPages.set(key, page);
        }
        const etag = page.etag;
        if (matchesEtag(raw.headers['if-none-match'], etag)) return { status: 304, headers: { etag } as Record<string, string> };
        // The page's items are JSON text made by the database, written out as they are (no parse and
        // stringify per row on the hot path; tests hold the answer against the document).
        const returned = Math.max(0, Math.min(limit, page.total - offset));
        const head = JSON.stringify({ meta: pageMeta(page.total, returned, query), store: store.name, window });
        return { status: 200, body: `${head.slice(0, -1)},"items":${page.text}}`, headers: { 'content-type': 'application/json; charset=utf-8', etag } };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/kaspi/stores/{store}/reports/sales',
      operationId: 'kaspiSalesReport',
      summary: 'Sales per Almaty day, city or product over 1–366 days, with today/yesterday and this/last week (`mp kaspi sales`)',
      tag: 'kaspi',
      scope: 'read',
      params: StoreParams,
      query: Type.Object(
        {
          period: Type.Optional(
            Type.String({ pattern: '^\\d{1,3}d$', description: 'days, e.g. 7d or 30d (1–366); default 7d', 'x-mp-code': 'KASPI_BAD_PERIOD' }),
          ),
          by: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('city'), Type.Literal('product')], { 'x-mp-code': 'KASPI_BAD_BY' })),
        },
        { additionalProperties: false },
      ),
      errors: NOT_FOUND,
      responses: { 200: { description: 'The report', schema: SalesReport } },
      async handler({ params, query, deps, user }) {
        const store = await resolveStore(deps.db, params.store, user);
        const now = deps.clock.now();
        const report = await salesReport(deps.db, store.id, periodWindow(query.period, now), query.by ?? 'day', now);
        return { status: 200, body: plain({ store: store.name, ...report }) };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/kaspi/stores/{store}/reports/profit',
      operationId: 'kaspiProfitReport',
      summary: 'Profit per product and in total over Almaty days: revenue − commission − seller delivery − units × unit cost (`mp kaspi profit`)',
      tag: 'kaspi',
      scope: 'read',
      params: StoreParams,
      query: Type.Object(
        {
          days: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 366, description: 'the last N days, today included (default 30)', 'x-mp-code': 'PROFIT_BAD_PERIOD' }),
          ),
          from: Type.Optional(Type.String({ maxLength: 10, description: 'first day, YYYY-MM-DD (Almaty)', 'x-mp-code': 'PROFIT_BAD_DATE' })),
          to: Type.Optional(Type.String({ maxLength: 10, description: 'last day, YYYY-MM-DD (needs from)', 'x-mp-code': 'PROFIT_BAD_DATE' })),
        },
        { additionalProperties: false },
      ),
      errors: NOT_FOUND,
      responses: { 200: { description: 'The report', schema: ProfitReport } },
      async handler({ params, query, deps, user }) {
        const store = await resolveStore(deps.db, params.store, user);
        const period = profitPeriod(
          { days: query.days === undefined ? undefined : String(query.days), from: query.from, to: query.to },
          deps.clock.now(),
          ALMATY,
        );
        if (!deps.config) throw new Error('the server has no config for the commission table');
        const report = await kaspiProfit(deps.db, store, period, commissionTable(deps.config));
        return { status: 200, body: plain({ store: store.name, ...report }) };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/kaspi/stores/{store}/preorders',
      operationId: 'kaspiPreorders',
      summary: 'The store’s preorder rows with the price the preorder file states and where it comes from (`mp preorders list`)',
      tag: 'kaspi',
      scope: 'read',
      params: StoreParams,
      query: Type.Object(PageQuery, { additionalProperties: false }),
      errors: NOT_FOUND,
      responses: { 200: { description: 'A page of preorders', schema: Page(Preorder, { store: Type.String() }) } },
      async handler({ params, query, deps, user }) {
        const store: StoreRow = await resolveStore(deps.db, params.store, user);
        const rows = (await listStorePreorders(deps.db, store)).map(({ row: r, file }) => ({
          sku: r.sku,
          model: r.model,
          brand: r.brand,
          price: file?.price ?? null,
          price_from: file?.from ?? null,
          own_price: r.price === null ? null : normalizeDecimal(r.price),
          pp1: r.pp1,
          pp2: r.pp2,
          pp3: r.pp3,
          pp4: r.pp4,
          pp5: r.pp5,
          preorder_days: r.preorder_days,
        }));
        const page = paginate(rows, query);
        return { status: 200, body: plain({ meta: page.meta, store: store.merchant_id, items: page.items }) };
      },
    }),
    ...kaspiRepricerRoutes(),
  ];
}
