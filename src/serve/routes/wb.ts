// /api/v1/wb: Wildberries cabinets and their synced data, over the services `mp wb …` uses, scoped to
// the token's user exactly as MP_USER scopes the commands (another user's cabinet is 403 FORBIDDEN).
import { type Static, type TObject, type TProperties, type TSchema, Type } from '@sinclair/typebox';
import { OtherUsersObjectError } from '../../core/errors.js';
import { MOSCOW, parseSince } from '../../core/time.js';
import { findJobRun } from '../../schedule/job-runs.repository.js';
import type { WbCabinet } from '../../wb/cabinet.repository.js';
import { addCabinet, type CabinetDeps, cabinetFor, listCabinetRows, removeCabinet, replaceCabinetToken } from '../../wb/cabinet.service.js';
import { cardsByNm } from '../../wb/card.repository.js';
import { moscowWindow, orderCard, ordersReportPage, reviewsReport, salesReport, sinceMoscow, stocksReport } from '../../wb/report.service.js';
import { syncStatus, WB_STREAMS } from '../../wb/sync.service.js';
import { HttpProblem } from '../problem.js';
import { type ApiDeps, route } from '../route.js';
import { DateTime, Decimal, Id, Nullable, Page, PageQuery, pageMeta, paginate, plain } from '../schemas.js';
import { startWbSync } from '../wb-sync.js';

const CabinetParams = Type.Object({ cabinet: Type.String({ minLength: 1, maxLength: 200, description: 'cabinet id or name' }) });
const Cabinet = Type.Object(
  {
    id: Id(),
    name: Type.String(),
    token: Type.String({ description: 'masked: ****abcd' }),
    seller: Nullable(Type.String()),
    tradeMark: Nullable(Type.String()),
    expires: Nullable(DateTime()),
    categories: Type.Array(Type.String()),
    lastSync: Nullable(DateTime()),
    status: Type.Union([Type.Literal('active'), Type.Literal('unauthorized'), Type.Literal('disabled')]),
    statusDetail: Nullable(Type.String()),
    users: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
const Window = Type.Object({ from: DateTime(), to: DateTime(), timeZone: Type.Literal(MOSCOW), text: Type.String() }, { additionalProperties: false });
const Since = Type.Optional(Type.String({ description: 'since: 7d, 12h or a date (Moscow time)', maxLength: 40, 'x-mp-code': 'BAD_SINCE' }));
const Nm = Type.Optional(Type.String({ pattern: '^\\d{1,12}$', description: 'a WB article number (nmId)', 'x-mp-code': 'WB_BAD_NM' }));
const Days = Type.Optional(
  Type.Integer({ minimum: 7, maximum: 90, default: 7, description: 'days to cover, 7–90 (Moscow days, today included)', 'x-mp-code': 'WB_BAD_PERIOD' }),
);

const Order = Type.Object(
  {
    srid: Type.String(),
    order_date: DateTime(),
    date_msk: Type.String(),
    nm_id: Id('nmId'),
    supplier_article: Nullable(Type.String()),
    tech_size: Nullable(Type.String()),
    finished_price: Nullable(Decimal()),
    price_with_disc: Nullable(Decimal()),
    warehouse_name: Nullable(Type.String()),
    region_name: Nullable(Type.String()),
    is_cancel: Type.Boolean(),
    status: Type.Union([Type.Literal('active'), Type.Literal('cancelled')]),
    g_number: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
const OrderCard = Type.Object(
  {
    cabinet: Type.String(),
    order: Type.Object({ srid: Type.String(), status: Type.String(), dateMsk: Type.String(), sales: Type.Array(Type.Object({})) }),
    product: Type.Object({ nmId: Type.Integer(), name: Nullable(Type.String()), photoUrl: Nullable(Type.String()) }),
    prices: Type.Object({ finishedPrice: Nullable(Decimal()), totalPrice: Nullable(Decimal()) }),
    logistics: Type.Object({ warehouse: Nullable(Type.String()), region: Nullable(Type.String()) }),
    stockBySize: Type.Array(Type.Object({ size: Type.String(), total: Type.Integer(), warehouses: Type.Record(Type.String(), Type.Integer()) })),
    stockTotal: Type.Integer(),
    stats: Type.Object({
      timeZone: Type.Literal(MOSCOW),
      windows: Type.Array(Type.Object({ days: Type.Integer(), orders: Type.Integer(), buyouts: Type.Integer(), returns: Type.Integer() })),
    }),
    reviews: Type.Object({ count: Type.Integer(), averageRating: Nullable(Type.Number()), distribution: Type.Record(Type.String(), Type.Integer()) }),
  },
  { description: 'the order with its product, prices, logistics, stock and statistics (the report of `mp wb order`)' },
);
const StockProduct = Type.Object(
  {
    nmId: Type.Integer(),
    article: Nullable(Type.String()),
    name: Nullable(Type.String()),
    total: Type.Integer(),
    sizes: Type.Record(Type.String(), Type.Integer()),
    warehouses: Type.Record(Type.String(), Type.Integer()),
    ordersPerDay30: Type.Number(),
    daysLeft: Nullable(Type.Integer()),
  },
  { additionalProperties: false },
);
const Card = Type.Object(
  {
    nm_id: Id('nmId'),
    title: Nullable(Type.String()),
    vendor_code: Nullable(Type.String()),
    brand: Nullable(Type.String()),
    subject_name: Nullable(Type.String()),
    photo_url: Nullable(Type.String()),
    sizes: Type.Unknown({ description: 'the card’s sizes as WB lists them' }),
  },
  { additionalProperties: false },
);
const Review = Type.Object(
  {
    review_id: Type.String(),
    created_date: DateTime(),
    date_msk: Type.String(),
    nm_id: Id('nmId'),
    rating: Type.Integer({ minimum: 1, maximum: 5 }),
    product_name: Nullable(Type.String()),
    pros: Nullable(Type.String()),
    cons: Nullable(Type.String()),
    text: Nullable(Type.String()),
    is_answered: Type.Boolean(),
    user_name: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
const totals = {
  orders: Type.Integer(),
  cancellations: Type.Integer(),
  buyouts: Type.Integer(),
  returns: Type.Integer(),
  ordersSum: Decimal(),
  buyoutsSum: Decimal(),
  returnsSum: Decimal(),
};
const SalesReport = Type.Object(
  {
    cabinet: Type.String(),
    window: Window,
    days: Type.Array(Type.Object({ day: Type.String(), ...totals }, { additionalProperties: false })),
    products: Type.Array(
      Type.Object({ nmId: Type.Integer(), article: Nullable(Type.String()), name: Nullable(Type.String()), ...totals }, { additionalProperties: false }),
    ),
    today: Type.Object({ day: Type.String(), ...totals }, { additionalProperties: false }),
    yesterday: Type.Object({ day: Type.String(), ...totals }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
const orderTotals = { orders: Type.Integer(), cancellations: Type.Integer(), ordersSum: Decimal() };
const OrdersReport = Type.Object(
  {
    cabinet: Type.String(),
    window: Window,
    days: Type.Array(Type.Object({ day: Type.String(), ...orderTotals }, { additionalProperties: false })),
    products: Type.Array(
      Type.Object({ nmId: Type.Integer(), article: Nullable(Type.String()), name: Nullable(Type.String()), ...orderTotals }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
const Stream = Type.Union(
  WB_STREAMS.map((s) => Type.Literal(s)),
  { 'x-mp-code': 'WB_BAD_STREAM' },
);
const SyncRun = Type.Object(
  {
    id: Id('run id'),
    cabinet: Type.String(),
    status: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('skipped')]),
    started_at: DateTime(),
    finished_at: Nullable(DateTime()),
    summary: Nullable(Type.Object({}, { description: 'rows new/updated, events, and per stream: status, counts, error' })),
    error: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

/** What the cabinet services need, for the token's user. */
async function cabinetDeps(deps: ApiDeps, user: string): Promise<CabinetDeps> {
  if (!deps.config || !deps.log) throw new Error('the server has no config or logger for WB calls');
  return { db: deps.db, config: deps.config, log: deps.log, clock: deps.clock, secretKey: await deps.secretKey(), userName: user };
}

function since(text: string | undefined, deps: ApiDeps, fallback: string): Date {
  return parseSince(text ?? fallback, deps.clock.now(), MOSCOW);
}

function daysWindow(days: number | undefined, deps: ApiDeps) {
  const now = deps.clock.now();
  return moscowWindow(new Date(now.getTime() - ((days ?? 7) - 1) * 86_400_000), now);
}

/**
 * GET /api/v1/wb/cabinets/{cabinet}/<path>: a page of one cabinet's rows. The cabinet is resolved for
 * the token's user (another user's: 403, none: 404), the query is the route's filters and the page
 * (limit, offset), and `page` makes the answer ({meta, cabinet, …, items}).
 */
function cabinetPage<Q extends TProperties>(o: {
  path: string;
  operationId: string;
  summary: string;
  query: Q;
  /** What the items are, for the document ("A page of …"). */
  items: string;
  item: TSchema;
  extra: TProperties;
  page(req: { cabinet: WbCabinet; query: Static<TObject<Q>> & { limit?: number; offset?: number }; deps: ApiDeps }): Promise<Record<string, unknown>>;
}) {
  return route({
    method: 'GET',
    path: `/api/v1/wb/cabinets/{cabinet}/${o.path}`,
    operationId: o.operationId,
    summary: o.summary,
    tag: 'wb',
    scope: 'read',
    params: CabinetParams,
    query: Type.Object({ ...o.query, ...PageQuery }, { additionalProperties: false }) as TObject,
    errors: { 404: 'No such cabinet' },
    responses: { 200: { description: `A page of ${o.items}`, schema: Page(o.item, o.extra) } },
    async handler({ params, query, deps, user }) {
      const cabinet = await cabinetFor(deps.db, params.cabinet, user);
      return { status: 200, body: plain(await o.page({ cabinet, query: query as Static<TObject<Q>> & { limit?: number; offset?: number }, deps })) };
    },
  });
}

export function wbRoutes() {
  return [
    route({
      method: 'GET',
      path: '/api/v1/wb/cabinets',
      operationId: 'wbCabinets',
      summary: 'The cabinets this token’s user may see (tokens masked)',
      tag: 'wb',
      scope: 'read',
      query: Type.Object(PageQuery, { additionalProperties: false }),
      responses: { 200: { description: 'A page of cabinets', schema: Page(Cabinet) } },
      async handler({ query, deps, user }) {
        return { status: 200, body: plain(paginate(await listCabinetRows(deps.db, user), query)) };
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/wb/cabinets',
      operationId: 'wbCabinetAdd',
      summary: 'Add a cabinet with its WB API token (checked against WB), or join the cabinet that has this token',
      tag: 'wb',
      scope: 'write',
      body: Type.Object(
        {
          token: Type.String({
            minLength: 1,
            maxLength: 4096,
            description: 'the WB API token (stored encrypted, never shown again)',
            'x-mp-code': 'WB_TOKEN_EMPTY',
          }),
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'default: the seller’s trade mark' })),
        },
        { additionalProperties: false },
      ),
      errors: {
        409: 'A cabinet with this name exists (WB_CABINET_EXISTS)',
        422: 'WB refused the token, or it is expired or malformed (WB_UNAUTHORIZED, WB_TOKEN_EXPIRED, WB_TOKEN_INVALID)',
      },
      responses: {
        201: {
          description: 'Added',
          schema: Type.Object({
            cabinet: Cabinet,
            created: Type.Boolean(),
            attached: Type.Boolean(),
            missing: Type.Array(Type.String()),
            warnings: Type.Array(Type.String()),
          }),
        },
        200: {
          description: 'The token belongs to a cabinet already: the user is attached to it',
          schema: Type.Object({
            cabinet: Cabinet,
            created: Type.Boolean(),
            attached: Type.Boolean(),
            missing: Type.Array(Type.String()),
            warnings: Type.Array(Type.String()),
          }),
        },
      },
      async handler({ body, deps, user }) {
        const result = await addCabinet(await cabinetDeps(deps, user), body.token, body.name);
        const view = (await listCabinetRows(deps.db, user)).find((c) => c.id === result.cabinet.id)!;
        return {
          status: result.created ? 201 : 200,
          body: plain({
            cabinet: view,
            created: result.created,
            attached: result.attached,
            missing: result.check?.missing ?? [],
            warnings: result.check?.warnings ?? [],
          }),
          headers: { location: `/api/v1/wb/cabinets/${result.cabinet.id}` },
        };
      },
    }),
    route({
      method: 'PUT',
      path: '/api/v1/wb/cabinets/{cabinet}/token',
      operationId: 'wbCabinetToken',
      summary:
        'Replace a cabinet’s WB API token in place: checked like add, same seller; its orders, history, cursors and recipients stay (`mp wb cabinet token`)',
      tag: 'wb',
      scope: 'write',
      params: CabinetParams,
      body: Type.Object(
        {
          token: Type.String({
            minLength: 1,
            maxLength: 4096,
            description: 'the new WB API token (stored encrypted, never shown again)',
            'x-mp-code': 'WB_TOKEN_EMPTY',
          }),
        },
        { additionalProperties: false },
      ),
      errors: {
        404: 'No such cabinet (WB_CABINET_NOT_FOUND)',
        422: 'WB refused the token, it is expired or malformed, of another seller, or another cabinet’s (WB_UNAUTHORIZED, WB_TOKEN_EXPIRED, WB_TOKEN_OTHER_SELLER, WB_TOKEN_IN_USE)',
      },
      responses: {
        200: {
          description: 'The cabinet with its new token',
          schema: Type.Object(
            {
              cabinet: Cabinet,
              missing: Type.Array(Type.String()),
              warnings: Type.Array(Type.String()),
              lost: Type.Array(Type.String({ description: 'categories the old token had that the new one lacks' })),
            },
            { additionalProperties: false },
          ),
        },
      },
      async handler({ params, body, deps, user }) {
        const result = await replaceCabinetToken(await cabinetDeps(deps, user), params.cabinet, body.token);
        const view = (await listCabinetRows(deps.db, user)).find((c) => c.id === result.cabinet.id)!;
        return { status: 200, body: plain({ cabinet: view, missing: result.check.missing, warnings: result.check.warnings, lost: result.lost }) };
      },
    }),
    route({
      method: 'DELETE',
      path: '/api/v1/wb/cabinets/{cabinet}',
      operationId: 'wbCabinetRemove',
      summary: 'Remove a cabinet with its synced data; a shared one only detaches this user',
      tag: 'wb',
      scope: 'write',
      params: CabinetParams,
      errors: { 404: 'No such cabinet (WB_CABINET_NOT_FOUND)' },
      responses: {
        200: {
          description: 'Removed or detached',
          schema: Type.Object({ id: Id(), name: Type.String(), removed: Type.Boolean(), detached: Type.Boolean() }, { additionalProperties: false }),
        },
      },
      async handler({ params, deps, user }) {
        const c = await removeCabinet(deps.db, params.cabinet, user);
        return { status: 200, body: { id: c.id, name: c.name, removed: !c.detached, detached: Boolean(c.detached) } };
      },
    }),
    cabinetPage({
      path: 'orders',
      operationId: 'wbOrders',
      summary: 'Orders since a Moscow day, newest first (the rows of `mp wb orders`)',
      query: {
        since: Since,
        status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('cancelled')], { 'x-mp-code': 'WB_BAD_STATUS' })),
        nm: Nm,
      },
      items: 'orders',
      item: Order,
      extra: { cabinet: Type.String(), window: Window },
      async page({ cabinet, query, deps }) {
        const window = sinceMoscow(since(query.since, deps, '7d'), deps.clock.now());
        const limit = query.limit ?? 50;
        const offset = query.offset ?? 0;
        const { rows, total } = await ordersReportPage(deps.db, cabinet.id, window, { status: query.status, nmId: query.nm, limit, offset });
        return { meta: pageMeta(total, rows.length, query), cabinet: cabinet.name, window, items: rows };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/wb/cabinets/{cabinet}/orders/{srid}',
      operationId: 'wbOrder',
      summary: 'One order with its report: product, prices, logistics, stock by size, 7–90 day statistics, reviews (`mp wb order`)',
      tag: 'wb',
      scope: 'read',
      params: Type.Object({ cabinet: CabinetParams.properties.cabinet, srid: Type.String({ minLength: 1, maxLength: 200, description: 'the order’s srid' }) }),
      errors: { 404: 'No such cabinet, or no such order in it (WB_ORDER_NOT_FOUND)' },
      responses: { 200: { description: 'The order report', schema: OrderCard } },
      async handler({ params, deps, user }) {
        const cabinet = await cabinetFor(deps.db, params.cabinet, user);
        return { status: 200, body: plain({ cabinet: cabinet.name, ...(await orderCard(deps.db, cabinet.id, params.srid, deps.clock.now())) }) };
      },
    }),
    cabinetPage({
      path: 'stocks',
      operationId: 'wbStocks',
      summary: 'Stock per product, lowest first, with days left at the last 30 days’ order rate (`mp wb stocks`)',
      query: { critical: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'only products with at most this many in stock' })) },
      items: 'products',
      item: StockProduct,
      extra: { cabinet: Type.String(), window: Window, critical: Nullable(Type.Integer()) },
      async page({ cabinet, query, deps }) {
        const report = await stocksReport(deps.db, cabinet.id, deps.clock.now(), query.critical);
        const page = paginate(report.products, query);
        return { meta: page.meta, cabinet: cabinet.name, window: report.window, critical: query.critical ?? null, items: page.items };
      },
    }),
    cabinetPage({
      path: 'cards',
      operationId: 'wbCards',
      summary: 'Product cards (synced from WB Content)',
      query: {},
      items: 'cards, by nmId',
      item: Card,
      extra: { cabinet: Type.String() },
      async page({ cabinet, query, deps }) {
        const cards = [...(await cardsByNm(deps.db, cabinet.id)).values()].sort((a, b) => Number(a.nm_id) - Number(b.nm_id));
        const page = paginate(cards, query);
        return { meta: page.meta, cabinet: cabinet.name, items: page.items };
      },
    }),
    cabinetPage({
      path: 'reviews',
      operationId: 'wbReviews',
      summary: 'Reviews, newest first (`mp wb reviews`)',
      query: {
        rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: 'at most this rating', 'x-mp-code': 'WB_BAD_RATING' })),
        unanswered: Type.Optional(Type.Boolean({ description: 'only reviews without an answer' })),
        since: Since,
        nm: Nm,
      },
      items: 'reviews',
      item: Review,
      extra: { cabinet: Type.String(), window: Window },
      async page({ cabinet, query, deps }) {
        const window = sinceMoscow(since(query.since, deps, '90d'), deps.clock.now());
        const rows = await reviewsReport(deps.db, cabinet.id, { maxRating: query.rating, unanswered: query.unanswered, since: window.from, nmId: query.nm });
        const page = paginate(rows, query);
        return { meta: page.meta, cabinet: cabinet.name, window, items: page.items };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/wb/cabinets/{cabinet}/reports/sales',
      operationId: 'wbSalesReport',
      summary: 'Orders, cancellations, buyouts and returns per Moscow day and per product over 7–90 days; today against yesterday (`mp wb sales`)',
      tag: 'wb',
      scope: 'read',
      params: CabinetParams,
      query: Type.Object({ days: Days }, { additionalProperties: false }),
      errors: { 404: 'No such cabinet' },
      responses: { 200: { description: 'The report', schema: SalesReport } },
      async handler({ params, query, deps, user }) {
        const cabinet = await cabinetFor(deps.db, params.cabinet, user);
        return { status: 200, body: plain({ cabinet: cabinet.name, ...(await salesReport(deps.db, cabinet.id, daysWindow(query.days, deps))) }) };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/wb/cabinets/{cabinet}/reports/orders',
      operationId: 'wbOrdersReport',
      summary: 'Orders and cancellations with their sums per Moscow day and per product over 7–90 days',
      tag: 'wb',
      scope: 'read',
      params: CabinetParams,
      query: Type.Object({ days: Days }, { additionalProperties: false }),
      errors: { 404: 'No such cabinet' },
      responses: { 200: { description: 'The report', schema: OrdersReport } },
      async handler({ params, query, deps, user }) {
        const cabinet = await cabinetFor(deps.db, params.cabinet, user);
        const r = await salesReport(deps.db, cabinet.id, daysWindow(query.days, deps));
        const pick = (t: { orders: number; cancellations: number; ordersSum: string }) => ({
          orders: t.orders,
          cancellations: t.cancellations,
          ordersSum: t.ordersSum,
        });
        return {
          status: 200,
          body: plain({
            cabinet: cabinet.name,
            window: r.window,
            days: r.days.map((d) => ({ day: d.day, ...pick(d) })),
            products: r.products.filter((p) => p.orders > 0).map((p) => ({ nmId: p.nmId, article: p.article, name: p.name, ...pick(p) })),
          }),
        };
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/wb/sync',
      operationId: 'wbSyncStart',
      summary: 'Start a sync of one cabinet (the wb.sync job’s work, under its lock); answers at once with the run id',
      tag: 'wb',
      scope: 'write',
      body: Type.Object(
        {
          cabinet: Type.String({ minLength: 1, maxLength: 200, description: 'cabinet id or name' }),
          only: Type.Optional(Type.Array(Stream, { minItems: 1, maxItems: 5, description: 'streams to sync (default all)' })),
          since: Type.Optional(Type.String({ maxLength: 40, description: 'backfill start of a first sync: 30d or a date (Moscow)', 'x-mp-code': 'BAD_SINCE' })),
        },
        { additionalProperties: false },
      ),
      errors: { 404: 'No such cabinet', 409: 'Another mp process is syncing this cabinet (BUSY)' },
      responses: {
        202: {
          description: 'Started: poll the run',
          schema: Type.Object(
            { run: Id('run id'), cabinet: Type.String(), status: Type.Literal('running'), href: Type.String() },
            { additionalProperties: false },
          ),
          headers: { Location: { description: 'the run', schema: { type: 'string' } } },
        },
      },
      async handler({ body, deps, user }) {
        const cabinet = await cabinetFor(deps.db, body.cabinet, user);
        const from = body.since === undefined ? undefined : since(body.since, deps, '30d');
        const { runId, done } = await startWbSync(deps, { cabinet, since: from, only: body.only });
        deps.track?.(done);
        const href = `/api/v1/wb/sync/${runId}`;
        return { status: 202, body: { run: runId, cabinet: cabinet.name, status: 'running', href }, headers: { location: href } };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/wb/sync/{run}',
      operationId: 'wbSyncRun',
      summary: 'One sync run: running, succeeded or failed, with rows and events per stream',
      tag: 'wb',
      scope: 'read',
      params: Type.Object({
        run: Type.String({ pattern: '^\\d{1,18}$', description: 'the run id POST /api/v1/wb/sync answered', 'x-mp-code': 'WB_SYNC_RUN_NOT_FOUND' }),
      }),
      errors: { 404: 'No such run (WB_SYNC_RUN_NOT_FOUND)' },
      responses: { 200: { description: 'The run', schema: SyncRun } },
      async handler({ params, deps, user }) {
        const run = await findJobRun(deps.db, params.run);
        const missing = new HttpProblem(404, 'WB_SYNC_RUN_NOT_FOUND', `no WB sync run ${params.run} of your cabinets`);
        if (run?.job !== 'wb.sync' || run.scope === null) throw missing;
        await cabinetFor(deps.db, run.scope, user).catch((error) => {
          if (error instanceof OtherUsersObjectError)
            throw new OtherUsersObjectError('WB_SYNC_RUN_NOT_FOUND', missing.message, `WB sync run ${params.run} is of another user's cabinet`);
          throw missing;
        });
        return {
          status: 200,
          body: plain({
            id: run.id,
            cabinet: run.scope,
            status: run.status,
            started_at: run.startedAt,
            finished_at: run.finishedAt,
            summary: run.summary,
            error: run.error,
          }),
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/wb/sync',
      operationId: 'wbSyncStatus',
      summary: 'The latest run of each stream of each cabinet, and when WB allows the next (`mp wb sync --status`)',
      tag: 'wb',
      scope: 'read',
      query: Type.Object({ cabinet: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false }),
      errors: { 404: 'No such cabinet' },
      responses: {
        200: {
          description: 'Per cabinet and stream',
          schema: Type.Object({
            items: Type.Array(
              Type.Object({
                cabinet: Type.String(),
                stream: Type.String(),
                status: Type.String(),
                initial: Type.Boolean(),
                started_at: DateTime(),
                finished_at: Nullable(DateTime()),
                rows_new: Type.Integer(),
                rows_updated: Type.Integer(),
                next_allowed_at: Nullable(DateTime()),
                error: Nullable(Type.String()),
              }),
            ),
          }),
        },
      },
      async handler({ query, deps, user }) {
        return { status: 200, body: plain({ items: await syncStatus(deps.db, query.cabinet, deps.clock.now(), user) }) };
      },
    }),
  ];
}
