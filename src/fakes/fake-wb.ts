// A fake Wildberries API for tests and the benchmark: statistics orders/sales, the analytics stocks
// report, feedbacks, content cards, /ping and seller-info, with the official response shapes.
// Rows are generated deterministically from the templates in fixtures/wb/ (100,000 orders need no
// 100,000-line fixture); statistics pages are capped like WB (~80,000 rows) and paged by
// lastChangeDate; too-frequent calls get 429 with X-Ratelimit-* headers; a bad token gets 401.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { categoryMask } from '../wb/token.js';
import { type FakeRequest, type FakeResponse, type FakeServer, startFakeServer } from './fake-server.js';

// From src/fakes (vitest) or dist/src/fakes (the built CLI, the demo and the benchmarks).
const fixturesDir = ['../../fixtures/wb/', '../../../fixtures/wb/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url))).find((dir) => existsSync(dir))!;
const cache = new Map<string, string>();
export function wbFixture(name: string): any {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(`${fixturesDir}${name}`, 'utf8');
    cache.set(name, text);
  }
  return JSON.parse(text);
}

export interface FakeWbOptions {
  orders?: number;
  sales?: number;
  products?: number;
  reviews?: number;
  /** Generated rows start here (default 25 days before now) and are spaced `stepMs` apart. */
  from?: Date;
  orderStepMs?: number;
  saleStepMs?: number;
  /** Rows per statistics response (WB: ~80,000). */
  pageCap?: number;
  /** Statistics token bucket: `burst` requests, one more every `intervalMs` (WB: 1/min). */
  statisticsBurst?: number;
  statisticsIntervalMs?: number;
  /**
   * Answer rows whose lastChangeDate is at or after a full `dateFrom` too, as the flag parameter's
   * text in the spec reads ("больше или равно"): paging by the last row's lastChangeDate then gets
   * that row back and never `[]`. Default: strictly after, so paging ends with `[]`.
   */
  dateFromInclusive?: boolean;
  /** Realization-report rows (reportDetailByPeriod, v5 shape) served by rr_dt day and rrd_id paging; none: 204. */
  realization?: Record<string, unknown>[];
  /** Rows per reportDetailByPeriod answer at most (besides the request's limit). */
  realizationPageCap?: number;
}

/** An unsigned JWT shaped like a WB token; the fake accepts signature "fake" only. */
export function makeWbToken(options: { categories?: string[]; expiresAt?: Date; sid?: string } = {}): string {
  const categories = options.categories ?? ['content', 'analytics', 'statistics', 'feedbacks'];
  const exp = Math.floor((options.expiresAt ?? new Date(Date.now() + 150 * 86_400_000)).getTime() / 1000);
  const payload = {
    acc: 3,
    ent: 1,
    exp,
    for: 'self',
    id: '0f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b',
    s: categoryMask(categories),
    sid: options.sid ?? 'e8923014-e233-47q8-898e-3cc86d67ab4d',
    t: false,
    uid: 1,
  };
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'ES256', kid: '20250101v1', typ: 'JWT' })}.${b64(payload)}.fake`;
}

const two = (n: number) => String(n).padStart(2, '0');
/** Moscow wall time without offset, as WB writes it. */
export function msk(ms: number): string {
  const d = new Date(ms + 3 * 3_600_000);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}
function parseMsk(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text);
  if (!m) return Number.NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) - 3 * 3_600_000;
}

const WAREHOUSES = ['Коледино', 'Подольск', 'Казань'];
const REGIONS = ['Московская', 'Татарстан', 'Краснодарский край', 'Санкт-Петербург'];
const SIZES = ['S', 'M', 'L'];

interface Override {
  lastChange: number;
  fields: Record<string, unknown>;
}

export class FakeWb {
  readonly token = makeWbToken();
  ordersCount: number;
  salesCount: number;
  readonly products: number;
  reviewsCount: number;
  readonly from: number;
  readonly orderStep: number;
  readonly saleStep: number;
  pageCap: number;
  /** Orders whose state changed after generation (e.g. cancelled later), by index. */
  private readonly orderOverrides = new Map<number, Override>();
  /** Stock quantity overrides by `nmId:chrtId:warehouse`. */
  private readonly stockOverrides = new Map<string, number>();
  private readonly answered = new Set<number>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Every 429 this fake's own limiter answered: the request and the X-Ratelimit-Retry it sent (seconds). */
  readonly rateLimited: { request: FakeRequest; retrySeconds: number }[] = [];
  private readonly remaining = new WeakMap<FakeRequest, number>();
  private readonly orderTemplate = wbFixture('orders.json')[0];
  private readonly saleTemplate = wbFixture('sales.json')[0];
  private readonly reviewTemplate = wbFixture('feedbacks.json').data.feedbacks[0];
  private readonly cardTemplate = wbFixture('cards.json').cards[0];
  readonly stockTemplate = wbFixture('stocks-report.json').data.items[0];

  constructor(
    readonly server: FakeServer,
    private readonly options: FakeWbOptions,
  ) {
    this.ordersCount = options.orders ?? 300;
    this.salesCount = options.sales ?? 120;
    this.products = options.products ?? 20;
    this.reviewsCount = options.reviews ?? 40;
    // Whole seconds: WB timestamps have no milliseconds, and paging compares them exactly.
    this.from = Math.floor((options.from ?? new Date(Date.now() - 25 * 86_400_000)).getTime() / 1000) * 1000;
    // Whole seconds, like WB's timestamps: paging by lastChangeDate compares them exactly.
    const seconds = (ms: number) => Math.max(1000, Math.round(ms / 1000) * 1000);
    this.orderStep = seconds(options.orderStepMs ?? 60_000);
    this.saleStep = seconds(options.saleStepMs ?? 120_000);
    this.pageCap = options.pageCap ?? 80_000;
  }

  /** Fails (throws) on a request no route answered or an injected fault not used up: for a test's afterEach. */
  verify(): void {
    this.server.verify();
  }

  get url(): string {
    return this.server.url;
  }

  nmId(p: number): number {
    return 100_000 + p;
  }
  chrtId(p: number, s: number): number {
    return 9_000_000 + p * 10 + s;
  }
  srid(i: number): string {
    return `${i}.fake${(i * 7919).toString(16)}.0.0`;
  }

  /** Order i: three consecutive orders share one cart (gNumber); every 10th arrives cancelled. */
  order(i: number): Record<string, unknown> {
    const p = i % this.products;
    const at = this.from + i * this.orderStep;
    const cancelled = i % 10 === 9;
    const price = 1000 + (i % 37) * 10;
    const row: Record<string, unknown> = {
      ...this.orderTemplate,
      date: msk(at - 60_000),
      lastChangeDate: msk(at),
      warehouseName: WAREHOUSES[i % WAREHOUSES.length],
      regionName: REGIONS[i % REGIONS.length],
      supplierArticle: `ART-${p}`,
      nmId: this.nmId(p),
      barcode: `46000000${p}`,
      techSize: SIZES[i % SIZES.length],
      totalPrice: price,
      discountPercent: 20,
      spp: 25,
      finishedPrice: Math.round(price * 0.6 * 100) / 100,
      priceWithDisc: price * 0.8,
      isCancel: cancelled,
      cancelDate: cancelled ? msk(at) : '0001-01-01T00:00:00',
      gNumber: `cart-${Math.floor(i / 3)}`,
      srid: this.srid(i),
      sticker: String(100_000 + i),
    };
    const override = this.orderOverrides.get(i);
    return override ? { ...row, ...override.fields, lastChangeDate: msk(override.lastChange) } : row;
  }

  /** Sale j buys out order 2j + (j mod 2); every 10th sale is a return (R…, negative amounts). */
  sale(j: number): Record<string, unknown> {
    const order = this.order((j * 2 + (j % 2)) % Math.max(1, this.ordersCount));
    const at = this.from + j * this.saleStep;
    const ret = j % 10 === 9;
    const sign = ret ? -1 : 1;
    return {
      ...this.saleTemplate,
      ...Object.fromEntries(
        Object.keys(this.saleTemplate)
          .filter((k) => k in order)
          .map((k) => [k, order[k]]),
      ),
      date: msk(at - 30_000),
      lastChangeDate: msk(at),
      totalPrice: sign * Number(order.totalPrice),
      finishedPrice: sign * Number(order.finishedPrice),
      priceWithDisc: sign * Number(order.priceWithDisc),
      forPay: (sign * Math.round(Number(order.finishedPrice) * 0.85 * 100)) / 100,
      paymentSaleAmount: ret ? 0 : 10,
      saleID: `${ret ? 'R' : 'S'}${String(9_000_000_000 + j)}`,
    };
  }

  review(k: number): Record<string, unknown> {
    const p = k % this.products;
    const answered = this.answered.has(k) || k % 3 === 0;
    return {
      ...this.reviewTemplate,
      id: `fb${String(k).padStart(8, '0')}`,
      text: k % 4 === 1 ? 'Не подошёл размер' : 'Отличный товар',
      // As real buyers fill WB's form (fixtures/wb/real/): a bad rating's complaint is often only under cons.
      pros: k % 5 < 2 ? '' : 'Удобный',
      cons: k % 5 < 2 ? 'Маломерит на размер' : 'Нет',
      productValuation: 1 + (k % 5),
      createdDate: new Date(this.from + k * 3_600_000).toISOString().replace('.000Z', 'Z'),
      answer: answered ? { text: 'Спасибо!', state: 'wbRu', editable: false } : null,
      state: answered ? 'wbRu' : 'none',
      productDetails: { ...this.reviewTemplate.productDetails, nmId: this.nmId(p), productName: `Товар ${p}`, supplierArticle: `ART-${p}`, size: SIZES[k % 3] },
    };
  }

  card(p: number): Record<string, unknown> {
    const nm = this.nmId(p);
    const photo = (kind: string) => `https://basket-01.wbbasket.ru/vol${Math.floor(nm / 100000)}/part${Math.floor(nm / 1000)}/${nm}/images/${kind}/1.webp`;
    return {
      ...this.cardTemplate,
      nmID: nm,
      imtID: 500_000 + p,
      vendorCode: `ART-${p}`,
      title: `Товар ${p}`,
      // Every fifth card has no photos: the sync must keep those too.
      photos: p % 5 === 4 ? [] : [{ big: photo('big'), c246x328: photo('c246x328'), c516x688: photo('c516x688'), square: photo('square'), tm: photo('tm') }],
      sizes: SIZES.map((size, s) => ({ chrtID: this.chrtId(p, s), techSize: size, wbSize: '', skus: [`46${nm}${s}`] })),
      updatedAt: new Date(this.from + p * 1000).toISOString(),
    };
  }

  stockQuantity(p: number, s: number, w: number): number {
    const key = `${this.nmId(p)}:${this.chrtId(p, s)}:${WAREHOUSES[w]}`;
    return this.stockOverrides.get(key) ?? (p * 7 + s * 3 + w * 5) % 23;
  }

  /** Changes the stock of one size of product p at warehouse w. */
  setStock(p: number, s: number, w: number, quantity: number): void {
    this.stockOverrides.set(`${this.nmId(p)}:${this.chrtId(p, s)}:${WAREHOUSES[w]}`, quantity);
  }

  /** Cancels order i at `at` (its lastChangeDate moves there). */
  cancelOrder(i: number, at: Date): void {
    this.orderOverrides.set(i, { lastChange: at.getTime(), fields: { isCancel: true, cancelDate: msk(at.getTime()) } });
  }

  /** Appends n orders placed around `at` (a second apart), as a live shop would get them. */
  addOrders(n: number, at: Date): void {
    for (let k = 0; k < n; k++) {
      const i = this.ordersCount + k;
      const t = at.getTime() + k * 1000;
      const fields: Record<string, unknown> = { date: msk(t - 60_000) };
      if (i % 10 === 9) fields.cancelDate = msk(t);
      this.orderOverrides.set(i, { lastChange: t, fields });
    }
    this.ordersCount += n;
  }

  ordersSince(dateFrom: string): Record<string, unknown>[] {
    return this.statisticsSince(dateFrom, this.ordersCount, this.orderStep, (i) => this.order(i), this.orderOverrides);
  }

  salesSince(dateFrom: string): Record<string, unknown>[] {
    return this.statisticsSince(dateFrom, this.salesCount, this.saleStep, (j) => this.sale(j), new Map());
  }

  /**
   * The orders or sales page for `dateFrom` as a JSON array made while it is sent, rows built and
   * serialized a thousand at a time (a page is up to 80,000 rows, ~60 MB): the client reads the first
   * rows while the fake makes the rest, as from a real server, instead of waiting for the whole page.
   */
  statisticsPage(kind: 'orders' | 'sales', dateFrom: string): () => Iterable<string> {
    const indexes =
      kind === 'orders'
        ? this.statisticsIndexes(dateFrom, this.ordersCount, this.orderStep, this.orderOverrides)
        : this.statisticsIndexes(dateFrom, this.salesCount, this.saleStep, new Map());
    const row = kind === 'orders' ? (i: number) => this.order(i) : (j: number) => this.sale(j);
    return function* () {
      if (indexes.length === 0) {
        yield '[]';
        return;
      }
      for (let from = 0; from < indexes.length; from += 1000) {
        const text = JSON.stringify(indexes.slice(from, from + 1000).map(row));
        // Each piece is the array's items: the first opens the array, the last closes it.
        yield `${from === 0 ? '[' : ','}${text.slice(1, -1)}${from + 1000 >= indexes.length ? ']' : ''}`;
      }
    };
  }

  /** Rows with lastChangeDate after `dateFrom` (at or after, for a bare date), sorted, capped. */
  private statisticsSince(dateFrom: string, count: number, step: number, row: (i: number) => Record<string, unknown>, overrides: Map<number, Override>) {
    return this.statisticsIndexes(dateFrom, count, step, overrides).map(row);
  }

  /** The row numbers of statisticsSince, in their order. */
  private statisticsIndexes(dateFrom: string, count: number, step: number, overrides: Map<number, Override>): number[] {
    const t = parseMsk(dateFrom);
    const inclusive = this.options.dateFromInclusive === true || !dateFrom.includes('T');
    const after = (ms: number) => (inclusive ? ms >= t : ms > t);
    const picked: { at: number; i: number }[] = [];
    let i = Math.max(0, Math.floor((t - this.from) / step) - 1);
    for (; i < count && picked.length < this.pageCap + overrides.size; i++) {
      if (overrides.has(i)) continue;
      const at = this.from + i * step;
      if (after(at)) picked.push({ at, i });
    }
    for (const [k, o] of overrides) if (k < count && after(o.lastChange)) picked.push({ at: o.lastChange, i: k });
    picked.sort((a, b) => a.at - b.at || a.i - b.i);
    return picked.slice(0, this.pageCap).map((p) => p.i);
  }

  /** 401 for a token that is not ours, expired, or lacks the category; 429 when over the bucket. */
  guard(req: FakeRequest, category: string | undefined, bucket?: { key: string; burst: number; intervalMs: number }): FakeResponse | undefined {
    const auth = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    const unauthorized = (detail: string): FakeResponse => ({
      status: 401,
      headers: { 'content-type': 'application/problem+json' },
      body: { ...wbFixture('error-401.json'), detail },
    });
    const parts = auth.split('.');
    if (parts.length !== 3 || parts[2] !== 'fake') return unauthorized('token problem; token is malformed: could not base64 decode signature');
    let claims: { exp?: number; s?: number };
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    } catch {
      return unauthorized('token problem; token is malformed');
    }
    if ((claims.exp ?? 0) * 1000 < Date.now()) return unauthorized('token expired');
    if (category && Math.floor((claims.s ?? 0) / categoryMask([category])) % 2 !== 1) return unauthorized('token scope not allowed for this API route');
    if (!bucket) return undefined;
    const now = Date.now();
    const state = this.buckets.get(bucket.key) ?? { tokens: bucket.burst, at: now };
    state.tokens = Math.min(bucket.burst, state.tokens + (now - state.at) / bucket.intervalMs);
    state.at = now;
    this.buckets.set(bucket.key, state);
    if (state.tokens < 1) {
      const retry = Math.ceil(((1 - state.tokens) * bucket.intervalMs) / 1000);
      this.rateLimited.push({ request: req, retrySeconds: retry });
      return {
        status: 429,
        headers: {
          'content-type': 'application/problem+json',
          'x-ratelimit-retry': String(retry),
          'x-ratelimit-limit': String(bucket.burst),
          'x-ratelimit-reset': String(Math.ceil((bucket.burst * bucket.intervalMs) / 1000)),
        },
        body: wbFixture('error-429.json'),
      };
    }
    state.tokens -= 1;
    this.remaining.set(req, Math.floor(state.tokens));
    return undefined;
  }

  /** A successful answer to a rate-limited request carries X-Ratelimit-Remaining, as WB's do. */
  answer(req: FakeRequest, response: FakeResponse): FakeResponse {
    const left = this.remaining.get(req);
    return left === undefined ? response : { ...response, headers: { ...response.headers, 'x-ratelimit-remaining': String(left) } };
  }

  statisticsBucket(path: string) {
    return { key: path, burst: this.options.statisticsBurst ?? 10, intervalMs: this.options.statisticsIntervalMs ?? 60_000 };
  }
}

const PING_CATEGORY: Record<string, string> = { statistics: 'statistics', feedbacks: 'feedbacks', content: 'content', analytics: 'analytics' };

/**
 * Settings that give each category host its own path on the fake (`<url>/statistics`, …), so that
 * each host's /ping checks its category. Only /ping and seller-info answer on such paths.
 */
export function wbHostsByPath(wb: FakeWb): Record<string, string> {
  const env: Record<string, string> = { MP_WB_COMMON_URL: wb.url };
  for (const host of Object.keys(PING_CATEGORY)) env[`MP_WB_${host.toUpperCase()}_URL`] = `${wb.url}/${host}`;
  return env;
}

function sellerOf(req: FakeRequest): { sid?: string } {
  const payload =
    String(req.headers.authorization ?? '')
      .replace(/^Bearer\s+/i, '')
      .split('.')[1] ?? '';
  try {
    const sid = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sid?: unknown }).sid;
    return typeof sid === 'string' ? { sid } : {};
  } catch {
    return {};
  }
}

/** Starts the fake WB API; all hosts are served from one origin (use it as MP_WB_URL). */
export async function startFakeWb(options: FakeWbOptions = {}): Promise<FakeWb> {
  let wb!: FakeWb;
  const server = await startFakeServer((s) => {
    const ok = (body: unknown): FakeResponse => ({ status: 200, body });
    // One origin serves every host, so a plain /ping cannot know which host it stands for: it checks
    // the token only. `/<host>/ping` (see wbHostsByPath) checks the host's category, as WB's does.
    s.route('GET', '/ping', (req) => wb.guard(req, undefined) ?? ok(wbFixture('ping.json')));
    s.route('GET', '/:host/ping', (req) => {
      const category = PING_CATEGORY[req.params.host!];
      if (!category) return { status: 404, body: { title: 'not found' } };
      return wb.guard(req, category) ?? ok(wbFixture('ping.json'));
    });
    // The seller is the token's (its `sid` claim), as on WB: a token of another seller answers as that seller.
    s.route('GET', '/api/v1/seller-info', (req) => wb.guard(req, undefined) ?? ok({ ...wbFixture('seller-info.json'), ...sellerOf(req) }));
    s.route('GET', '/api/v1/supplier/orders', (req) => {
      const denied = wb.guard(req, 'statistics', wb.statisticsBucket(req.path));
      if (denied) return denied;
      const dateFrom = req.query.get('dateFrom');
      if (!dateFrom) return { status: 400, body: { errors: ['dateFrom is required'] } };
      return wb.answer(req, { status: 200, stream: wb.statisticsPage('orders', dateFrom) });
    });
    s.route('GET', '/api/v1/supplier/sales', (req) => {
      const denied = wb.guard(req, 'statistics', wb.statisticsBucket(req.path));
      if (denied) return denied;
      const dateFrom = req.query.get('dateFrom');
      if (!dateFrom) return { status: 400, body: { errors: ['dateFrom is required'] } };
      return wb.answer(req, { status: 200, stream: wb.statisticsPage('sales', dateFrom) });
    });
    s.route('GET', '/api/v5/supplier/reportDetailByPeriod', (req) => {
      const denied = wb.guard(req, 'statistics', wb.statisticsBucket(req.path));
      if (denied) return denied;
      const dateFrom = req.query.get('dateFrom')?.slice(0, 10);
      const dateTo = req.query.get('dateTo')?.slice(0, 10);
      if (!dateFrom || !dateTo) return { status: 400, body: { title: 'dateFrom and dateTo are required' } };
      const after = Number(req.query.get('rrdid') ?? 0);
      const limit = Math.min(Number(req.query.get('limit') ?? 100_000), options.realizationPageCap ?? 100_000);
      const rows = (options.realization ?? [])
        .filter((r) => String(r.rr_dt).slice(0, 10) >= dateFrom && String(r.rr_dt).slice(0, 10) <= dateTo && Number(r.rrd_id) > after)
        .sort((a, b) => Number(a.rrd_id) - Number(b.rrd_id))
        .slice(0, limit);
      return wb.answer(req, rows.length ? ok(rows) : { status: 204, body: '' });
    });
    s.route('POST', '/api/analytics/v1/stocks-report/wb-warehouses', (req) => {
      const denied = wb.guard(req, 'analytics', { key: req.path, burst: 3, intervalMs: 20_000 });
      if (denied) return denied;
      const body = JSON.parse(req.body || '{}') as { limit?: number; offset?: number };
      const items: Record<string, unknown>[] = [];
      for (let p = 0; p < wb.products; p++)
        for (let sz = 0; sz < SIZES.length; sz++)
          for (let w = 0; w < WAREHOUSES.length; w++) {
            const quantity = wb.stockQuantity(p, sz, w);
            items.push({
              ...wb.stockTemplate,
              nmId: wb.nmId(p),
              chrtId: wb.chrtId(p, sz),
              warehouseId: 500 + w,
              warehouseName: WAREHOUSES[w],
              regionName: 'Центральный',
              quantity,
              inWayToClient: quantity % 3,
              inWayFromClient: quantity % 2,
            });
          }
      const offset = body.offset ?? 0;
      return wb.answer(req, ok({ data: { items: items.slice(offset, offset + (body.limit ?? 250_000)) } }));
    });
    s.route('GET', '/api/v1/feedbacks', (req) => {
      const denied = wb.guard(req, 'feedbacks', { key: req.path, burst: 6, intervalMs: 333 });
      if (denied) return denied;
      const isAnswered = req.query.get('isAnswered');
      const take = Number(req.query.get('take'));
      const skip = Number(req.query.get('skip'));
      if (isAnswered === null || !Number.isInteger(take) || take < 1 || take > 5000 || !Number.isInteger(skip) || skip > 199_990) {
        return { status: 400, body: { data: null, error: true, errorText: 'isAnswered, take (≤5000) and skip are required', additionalErrors: null } };
      }
      const dateFrom = Number(req.query.get('dateFrom') ?? 0) * 1000;
      const all = Array.from({ length: wb.reviewsCount }, (_, k) => wb.review(k))
        .filter((r) => (r.answer !== null) === (isAnswered === 'true'))
        .filter((r) => new Date(String(r.createdDate)).getTime() >= dateFrom)
        .reverse();
      const unanswered = Array.from({ length: wb.reviewsCount }, (_, k) => wb.review(k)).filter((r) => r.answer === null).length;
      return wb.answer(
        req,
        ok({
          data: { countUnanswered: unanswered, countArchive: 0, feedbacks: all.slice(skip, skip + take) },
          error: false,
          errorText: '',
          additionalErrors: null,
        }),
      );
    });
    s.route('POST', '/content/v2/get/cards/list', (req) => {
      const denied = wb.guard(req, 'content', { key: req.path, burst: 5, intervalMs: 600 });
      if (denied) return denied;
      const cursor = (JSON.parse(req.body || '{}') as { settings?: { cursor?: { limit?: number; nmID?: number } } }).settings?.cursor ?? {};
      const limit = Math.min(100, cursor.limit ?? 100);
      const cards = Array.from({ length: wb.products }, (_, p) => wb.card(p)).filter((c) => !cursor.nmID || Number(c.nmID) > cursor.nmID);
      const page = cards.slice(0, limit);
      const last = page[page.length - 1];
      return wb.answer(req, ok({ cards: page, cursor: { updatedAt: last?.updatedAt, nmID: last?.nmID, total: page.length } }));
    });
  });
  wb = new FakeWb(server, options);
  return wb;
}
