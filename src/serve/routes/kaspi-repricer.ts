// /api/v1/kaspi/stores/{store}/plans and /runs: the repricer over the services `mp demper plan` and
// `mp demper run` use. A plan reads the competitors' offers and writes nothing; a run records every
// decision (price_changes) and, with `apply`, sends the changes through the cabinet at ≤ 1.5 writes/s
// under the merchant's write lock, so the answer of an applying run comes when its writes are done. A
// run is the operation runDemper, under the store's run lock like the command and the scheduled job.
import { Type } from '@sinclair/typebox';
import { createLogger } from '../../core/log.js';
import { readSetting } from '../../core/settings.js';
import { createOffersClient, kaspiOffersFetcher } from '../../demper/offers-source.js';
import { type PlanItem, planRecord, planRepricing } from '../../demper/plan.service.js';
import { priceChangesOfRun, runsOfStore } from '../../demper/price-changes.repository.js';
import { type DemperDeps, runDemper } from '../../demper/run.operation.js';
import { MAX_WRITE_RATE, type RunItem } from '../../demper/run.service.js';
import type { RunRules } from '../../demper/strategy.js';
import { cityName } from '../../kaspi/cities.js';
import { resolveStore } from '../../kaspi/merchant/stores.service.js';
import { marginRules } from '../../profit/floor.service.js';
import { HttpProblem } from '../problem.js';
import { type ApiDeps, route } from '../route.js';
import { DateTime, Decimal, Nullable, Page, PageQuery, pageMeta, plain } from '../schemas.js';

const StoreParam = Type.String({ minLength: 1, maxLength: 200, description: 'merchant id or store name' });

const ruleProps = {
  exclude: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 200, description: 'merchant ids that are never competitors' })),
  same_city: Type.Optional(Type.Boolean({ description: 'ignore rivals shipping from another city' })),
  max_delivery_days: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 365, description: 'ignore rivals delivering slower than this', 'x-mp-code': 'BAD_OPTION' }),
  ),
  raise_to_max: Type.Optional(Type.Boolean({ description: 'with no competitors go to max (default true); false holds' })),
  max_change: Type.Optional(Type.Integer({ minimum: 1, maximum: 1e12, description: 'largest change per run, tenge', 'x-mp-code': 'BAD_OPTION' })),
  max_change_pct: Type.Optional(Type.Number({ minimum: 0.01, maximum: 100, description: 'largest change per run, percent', 'x-mp-code': 'BAD_OPTION' })),
  min_margin: Type.Optional(Type.String({ maxLength: 20, description: 'store-wide minimum margin in percent (default: demper.minMargin)' })),
};
type RuleBody = { exclude?: string[]; same_city?: boolean; max_delivery_days?: number; raise_to_max?: boolean; max_change?: number; max_change_pct?: number };

function rules(b: RuleBody): Omit<RunRules, 'ownMerchantId'> {
  return {
    exclude: b.exclude ?? [],
    sameCityOnly: Boolean(b.same_city),
    maxDeliveryDays: b.max_delivery_days,
    noCompetitionToMax: b.raise_to_max !== false,
    maxChangeAbs: b.max_change,
    maxChangePct: b.max_change_pct,
  };
}

const decisionProps = {
  store: Type.String(),
  sku: Type.String(),
  city: Type.String({ description: 'city id decided for' }),
  city_name: Type.String(),
  price: Nullable(Type.Number({ description: 'the price decided from: live on Kaspi, else stored' })),
  stored_price: Nullable(Type.Number()),
  live_price: Nullable(Type.Number()),
  competitor_price: Nullable(Type.Number()),
  competitor: Nullable(Type.String()),
  new_price: Nullable(Type.Number()),
  reason: Type.String({ description: 'UNDERCUT, MATCH, TOP_N, RAISE_GAP, HOLD, AT_MIN, UNKNOWN …' }),
  floor: Nullable(Type.Number({ description: 'the effective floor: min_price or the margin floor' })),
  floor_note: Nullable(Type.String()),
  change: Type.Boolean(),
  error: Nullable(Type.String({ description: 'why the offers are unknown, or why the write failed' })),
};
const PlanDecision = Type.Object(decisionProps, { additionalProperties: false });
const RunDecision = Type.Object(
  {
    ...decisionProps,
    mode: Type.Union(['dry-run', 'applied', 'unchanged', 'failed', 'skipped', 'xml'].map((m) => Type.Literal(m))),
  },
  { additionalProperties: false },
);

function decision(i: PlanItem) {
  return { store: i.store.merchant_id, ...planRecord(i), city_name: cityName(i.cityId), change: i.decision.change, error: i.error ?? null };
}

const Summary = Type.Object(
  { products: Type.Integer(), changes: Type.Integer(), unknown: Type.Integer(), reasons: Type.Record(Type.String(), Type.Integer()) },
  { additionalProperties: false },
);
function summary(items: PlanItem[]) {
  const reasons: Record<string, number> = {};
  for (const i of items) reasons[i.decision.reason] = (reasons[i.decision.reason] ?? 0) + 1;
  return { products: items.length, changes: items.filter((i) => i.decision.change).length, unknown: items.filter((i) => i.error).length, reasons };
}

const StoreReport = Type.Object(
  {
    merchant_id: Type.String(),
    name: Type.String(),
    planned: Type.Integer(),
    changes: Type.Integer(),
    applied: Type.Integer(),
    failed: Type.Integer(),
    skipped: Type.Integer(),
    paused_until: Nullable(DateTime()),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
const RunId = Type.String({ pattern: '^[\\w-]{1,64}$', description: 'a run id, e.g. 20261121120000-abc123', 'x-mp-code': 'DEMPER_RUN_NOT_FOUND' });
const RunSummary = Type.Object(
  {
    run_id: Type.String(),
    started_at: DateTime(),
    decisions: Type.Integer(),
    changes: Type.Integer({ description: 'decisions other than unchanged' }),
    applied: Type.Integer(),
    failed: Type.Integer(),
    skipped: Type.Integer(),
  },
  { additionalProperties: false },
);
const StoredDecision = Type.Object(
  {
    sku: Type.String(),
    product_id: Type.String(),
    city: Nullable(Type.String()),
    old_price: Nullable(Decimal()),
    live_price: Nullable(Decimal()),
    new_price: Nullable(Decimal()),
    competitor_price: Nullable(Decimal()),
    competitor: Nullable(Type.String()),
    reason: Type.String(),
    mode: Type.String(),
    error: Nullable(Type.String()),
    at: DateTime(),
  },
  { additionalProperties: false },
);

/** The offers client of a plan (MP_KASPI_URL, demper.offersRate per second, MP_KASPI_PROXIES), closed after. */
function offersClient(deps: ApiDeps) {
  if (!deps.config) throw new Error('the server has no config for Kaspi calls');
  return createOffersClient(deps.config, readSetting(deps.config, 'demper.offersRate'), deps.log);
}

/** What the run operation needs, from the server's: its database handle (locks), settings and log. */
function demperDeps(deps: ApiDeps): DemperDeps {
  if (!deps.config || !deps.handle) throw new Error('the server has no database handle or config for a repricer run');
  return { handle: deps.handle, config: deps.config, log: deps.log ?? createLogger({ quiet: true }), now: () => deps.clock.now(), secretKey: deps.secretKey };
}

export function kaspiRepricerRoutes() {
  return [
    route({
      method: 'POST',
      path: '/api/v1/kaspi/stores/{store}/plans',
      operationId: 'kaspiPlan',
      summary: 'Plan the repricing of the store’s enabled products in each of its cities: reads competitors’ offers, writes nothing (`mp demper plan`)',
      tag: 'kaspi',
      scope: 'read',
      params: Type.Object({ store: StoreParam }),
      body: Type.Object(ruleProps, { additionalProperties: false }),
      errors: { 404: 'No such store (STORE_NOT_FOUND)' },
      responses: {
        200: {
          description: 'One decision per product and city',
          schema: Type.Object({ store: Type.String(), summary: Summary, items: Type.Array(PlanDecision) }, { additionalProperties: false }),
        },
      },
      async handler({ params, body, deps, user }) {
        const store = await resolveStore(deps.db, params.store, user);
        const margin = marginRules(deps.config, body.min_margin);
        const client = offersClient(deps);
        try {
          const items = await planRepricing(deps.db, kaspiOffersFetcher(client), {
            stores: [store],
            rules: rules(body),
            concurrency: 8,
            now: deps.clock.now(),
            margin,
          });
          return { status: 200, body: plain({ store: store.merchant_id, summary: summary(items), items: items.map(decision) }) };
        } finally {
          await client.close();
        }
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/kaspi/stores/{store}/runs',
      operationId: 'kaspiRun',
      summary: 'Run the repricer once: a dry run records its decisions; with apply: true the changes are sent to Kaspi (`mp demper run [--apply]`)',
      description:
        'An applying run sends at most 1.5 price writes a second per merchant under its write lock, and answers when they are done. A store Kaspi paused (429) is skipped until the pause ends.',
      tag: 'kaspi',
      scope: 'write',
      params: Type.Object({ store: StoreParam }),
      body: Type.Object(
        { ...ruleProps, apply: Type.Optional(Type.Boolean({ description: 'send the changes (default false: a dry run)' })) },
        { additionalProperties: false },
      ),
      errors: { 404: 'No such store (STORE_NOT_FOUND)', 409: 'A run of this store is going on in another mp process or on another host (ALREADY_RUNNING)' },
      responses: {
        201: {
          description: 'The run, its store report and every decision',
          schema: Type.Object(
            { run: Type.String(), href: Type.String(), apply: Type.Boolean(), store: StoreReport, items: Type.Array(RunDecision) },
            { additionalProperties: false },
          ),
          headers: { Location: { description: 'the run’s decisions', schema: { type: 'string' } } },
        },
      },
      async handler({ params, body, deps, user }) {
        const store = await resolveStore(deps.db, params.store, user);
        // The operation `mp demper run` and the demper.run job call: it takes the store's run lock (a
        // run of this store elsewhere: 409 ALREADY_RUNNING) and, while it sends, the merchant's write lock.
        const report = await runDemper(demperDeps(deps), {
          store: store.merchant_id,
          user,
          rules: rules(body),
          concurrency: 8,
          offersRate: readSetting(deps.config!, 'demper.offersRate'),
          margin: marginRules(deps.config, body.min_margin),
          apply: Boolean(body.apply),
          via: 'api',
          writeRate: MAX_WRITE_RATE,
          exportDir: '',
        });
        const href = `/api/v1/kaspi/stores/${encodeURIComponent(store.merchant_id)}/runs/${report.runId}`;
        const { xml: _xml, ...storeReport } = report.stores[0]!;
        return {
          status: 201,
          body: plain({
            run: report.runId,
            href,
            apply: Boolean(body.apply),
            store: storeReport,
            items: report.items.map((i: RunItem) => ({ ...decision(i), mode: i.mode, error: i.runError ?? i.error ?? null })),
          }),
          headers: { location: href },
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/kaspi/stores/{store}/runs',
      operationId: 'kaspiRuns',
      summary: 'The store’s repricer runs, newest first, with their decisions counted by mode',
      tag: 'kaspi',
      scope: 'read',
      params: Type.Object({ store: StoreParam }),
      query: Type.Object(PageQuery, { additionalProperties: false }),
      errors: { 404: 'No such store (STORE_NOT_FOUND)' },
      responses: { 200: { description: 'A page of runs', schema: Page(RunSummary, { store: Type.String() }) } },
      async handler({ params, query, deps, user }) {
        const store = await resolveStore(deps.db, params.store, user);
        const { items, total } = await runsOfStore(deps.db, store.id, { limit: query.limit ?? 50, offset: query.offset ?? 0 });
        return { status: 200, body: plain({ meta: pageMeta(total, items.length, query), store: store.merchant_id, items }) };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/kaspi/stores/{store}/runs/{run}',
      operationId: 'kaspiRunDecisions',
      summary: 'The decisions of one run: old, live and new price, the competitor, the reason, how it was handled',
      tag: 'kaspi',
      scope: 'read',
      params: Type.Object({ store: StoreParam, run: RunId }),
      query: Type.Object(PageQuery, { additionalProperties: false }),
      errors: { 404: 'No such store, or no such run of it (DEMPER_RUN_NOT_FOUND)' },
      responses: { 200: { description: 'A page of decisions', schema: Page(StoredDecision, { store: Type.String(), run: Type.String() }) } },
      async handler({ params, query, deps, user }) {
        const store = await resolveStore(deps.db, params.store, user);
        const rows = (await priceChangesOfRun(deps.db, params.run)).filter((r) => r.store_id === store.id);
        if (rows.length === 0) throw new HttpProblem(404, 'DEMPER_RUN_NOT_FOUND', `no run ${params.run} of store ${store.merchant_id}`);
        const limit = query.limit ?? 50;
        const offset = query.offset ?? 0;
        const items = rows.slice(offset, offset + limit).map((r) => ({
          sku: r.sku,
          product_id: r.product_id,
          city: r.city_id,
          old_price: r.old_price,
          live_price: r.live_price,
          new_price: r.new_price,
          competitor_price: r.competitor_price,
          competitor: r.competitor_merchant,
          reason: r.reason,
          mode: r.mode,
          error: r.error,
          at: r.created_at,
        }));
        return { status: 200, body: plain({ meta: pageMeta(rows.length, items.length, query), store: store.merchant_id, run: params.run, items }) };
      },
    }),
  ];
}
