// A fake Kaspi merchant cabinet (mc + idmc on one server) plus the public offers endpoint, for the
// demper and preorder tests and the bench: login (phone/SMS, e-mail/password/MFA, flood errors,
// OAuth2 redirects), /s/m, getMerchant, the cabinet offer list, the price endpoint (429 after a
// burst, as Kaspi bans at ~3 writes/s), the price-list upload, and session expiry.
import { randomBytes } from 'node:crypto';
import { type FakeRequest, type FakeResponse, type FakeServer, startFakeServer } from './fake-server.js';

export interface FakeMerchant {
  uid: string;
  name: string;
  cityId?: string;
  /** Its points of sale (default: PP1, enabled). */
  points?: { pp: string; enabled?: boolean }[];
  /** The cabinet's offer list (`/bff/offer-view/list`, served in the real row's shape: see cabinetRow). */
  offers?: FakeCabinetOffer[];
  /** Rows served as they are after `offers` (real captured rows, fixtures/kaspi-mc/, and variants of them). */
  rawRows?: Record<string, unknown>[];
}

/** One of a merchant's offers as the cabinet keeps it. */
export interface FakeCabinetOffer {
  sku: string;
  masterSku: string;
  title: string;
  brand?: string;
  /** The price in every city the offer is sold in (the real list row: `allCityPrices`, `minPrice`, `maxPrice`). */
  price: number;
  /** Prices that differ by city: city id → price (the others take `price`). */
  cityPrices?: Record<string, number>;
  /** On sale (default true). */
  available?: boolean;
}

export interface FakeRawOffer {
  merchantId: string;
  merchantName?: string;
  price: number;
  deliveryDuration?: string;
  deliveryOptions?: Record<string, { interCity?: boolean }>;
}

export interface PriceUpdateSeen {
  merchantUid: string;
  sku: string;
  price: number;
  at: number;
}

export interface FakeMcOptions {
  merchants?: FakeMerchant[];
  /** Public offers per Kaspi product id. */
  offers?: Record<string, FakeRawOffer[]>;
  /** Price writes per merchant allowed in any 1-second window before 429 (Kaspi: ~2). */
  burst?: number;
  /** Phone (`+7 (701) 234-56-78`) or e-mail logins that work, with their code (and password). */
  logins?: { phone?: string; email?: string; password?: string; code: string; merchants: string[] }[];
}

export class FakeKaspiMc {
  readonly updates: PriceUpdateSeen[] = [];
  readonly uploads: { merchantUid: string; filename: string; contentType: string; body: Buffer }[] = [];
  /** Valid session cookie values (mc-session) → the merchants they see. */
  readonly sessions = new Map<string, string[]>();
  offers: Record<string, FakeRawOffer[]>;
  /**
   * Public offers that differ by city, as Kaspi answers per `cityId` (sellers and prices are a city's
   * own): city id → product id → offers. A city without an entry for a product gets `offers`.
   */
  cityOffers: Record<string, Record<string, FakeRawOffer[]>> = {};
  merchants: FakeMerchant[];
  burst: number;
  /** What the upload endpoint answers next (status and text). */
  uploadAnswer: { status: number; body: string } = { status: 200, body: '{"status":"OK","message":"File accepted"}' };
  /** The clock price writes are timed by (`updates[].at`, the burst window); tests may give a virtual one. */
  clock: () => number = Date.now;
  /** When set, the next login request answers this flood error. */
  flood?: { error: string; breakTimeSeconds: number };
  /**
   * Kaspi accepts a price write (200 with a job id) but the price does not change: the job failed
   * later, as Kaspi's asynchronous processing sometimes does. By default an accepted write changes the
   * cabinet's offer and the merchant's offer in the public offers answer.
   */
  dropWrites = false;
  private readonly pending = new Map<string, { merchants: string[]; code: string; step: 'code' | 'done' }>();
  private readonly codes = new Map<string, string[]>();
  /** Every price write attempt (429s too: Kaspi counts them), by merchant, on `clock`. */
  private readonly writes = new Map<string, number[]>();

  constructor(
    readonly server: FakeServer,
    private readonly options: FakeMcOptions,
  ) {
    this.offers = options.offers ?? {};
    this.merchants = options.merchants ?? [];
    this.burst = options.burst ?? 2;
  }

  get url(): string {
    return this.server.url;
  }

  /** A valid session cookie header for these merchants. */
  newSession(merchants: string[]): string {
    const session = randomBytes(8).toString('hex');
    this.sessions.set(session, merchants);
    return `mc-session=${session}; mc-sid=sid${session}`;
  }

  expire(cookie: string): void {
    const m = /mc-session=([^;]+)/.exec(cookie);
    if (m) this.sessions.delete(m[1]!);
  }

  requestsTo(path: string) {
    return this.server.requestsTo(path);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** Fails (throws) on a request no route answered or an injected fault not used up: for a test's afterEach. */
  verify(): void {
    this.server.verify();
  }

  merchantsOf(req: FakeRequest): string[] | undefined {
    const m = /mc-session=([^;]+)/.exec(String(req.headers.cookie ?? ''));
    return m ? this.sessions.get(m[1]!) : undefined;
  }

  offersRoute(req: FakeRequest): FakeResponse {
    const body = JSON.parse(req.body || '{}') as { limit?: number; page?: number; cityId?: string };
    const limit = body.limit ?? 64;
    const page = body.page ?? 0;
    // The city travels in the body and in X-KS-City (reference/kaspi.md §9.6): a request that says two cities is a bug.
    const header = req.headers['x-ks-city'];
    if (header !== undefined && header !== body.cityId) return { status: 400, body: { error: `X-KS-City ${header} is not the body's cityId ${body.cityId}` } };
    const all = (body.cityId ? this.cityOffers[body.cityId]?.[req.params.id!] : undefined) ?? this.offers[req.params.id!] ?? [];
    const slice = all.slice(page * limit, page * limit + limit).map((o) => publicOffer(req.params.id!, o));
    return { body: { offers: slice, total: all.length, offersCount: all.length, pcmResponsePresent: false } };
  }

  processRoute(req: FakeRequest): FakeResponse {
    const seen = this.merchantsOf(req);
    if (!seen) return { status: 401, body: { error: 'unauthorized' } };
    const body = JSON.parse(req.body) as { merchantUid: string; sku: string; price: number; cityPrices?: { cityId?: string; value: number }[] };
    if (!seen.includes(body.merchantUid)) return { status: 403, body: { error: 'forbidden' } };
    const now = this.clock();
    const writes = this.writes.get(body.merchantUid) ?? [];
    writes.push(now);
    this.writes.set(body.merchantUid, writes);
    const recent = writes.filter((at) => now - at < 1000);
    if (recent.length > this.burst) return { status: 429, body: { error: 'Too many requests' } };
    this.updates.push({ merchantUid: body.merchantUid, sku: body.sku, price: body.price, at: now });
    if (!this.dropWrites) this.applyPrice(body.merchantUid, body.sku, body.price, body.cityPrices?.[0]?.cityId);
    return { body: { id: randomBytes(12).toString('hex') } };
  }

  /**
   * What Kaspi shows after a price change (made by mp, or by the seller in the cabinet): the cabinet
   * offer's price and the merchant's offer on the product's public offers. The product is the
   * cabinet offer's masterSku, or `productOf[sku]` for SKUs the cabinet list does not name.
   */
  applyPrice(merchantUid: string, sku: string, price: number, cityId?: string): void {
    const offer = this.merchants.find((m) => m.uid === merchantUid)?.offers?.find((o) => o.sku === sku);
    const productId = offer?.masterSku ?? this.productOf[sku];
    // A price for a city with offers of its own changes that city only.
    const inCity = cityId && productId ? this.cityOffers[cityId]?.[productId] : undefined;
    if (inCity) {
      for (const o of inCity) if (o.merchantId === merchantUid) o.price = price;
      if (offer) offer.cityPrices = { ...(offer.cityPrices ?? {}), [cityId!]: price };
      return;
    }
    if (offer) {
      offer.price = price;
      offer.cityPrices = undefined;
    }
    for (const o of productId ? (this.offers[productId] ?? []) : []) if (o.merchantId === merchantUid) o.price = price;
  }

  /** Kaspi product ids of SKUs that are not in any cabinet offer list (so a price write reaches the public offers). */
  productOf: Record<string, string> = {};

  uploadRoute(req: FakeRequest): FakeResponse {
    const seen = this.merchantsOf(req);
    const uid = req.query.get('merchantUid') ?? '';
    if (!seen?.includes(uid)) return { status: 401, body: 'unauthorized' };
    const raw = Buffer.from(req.body, 'latin1');
    const type = String(req.headers['content-type'] ?? '');
    const filename = /filename="([^"]+)"/.exec(req.body)?.[1] ?? '';
    const partType = /\r\nContent-Type: ([^\r\n]+)\r\n/.exec(req.body)?.[1] ?? '';
    this.uploads.push({ merchantUid: uid, filename, contentType: partType || type, body: raw });
    return { status: this.uploadAnswer.status, body: this.uploadAnswer.body, headers: { 'content-type': 'application/json' } };
  }

  loginRoute(req: FakeRequest): FakeResponse {
    if (this.flood) {
      const f = this.flood;
      this.flood = undefined;
      return { status: 400, body: { error: f.error, errorData: { breakTimeSeconds: f.breakTimeSeconds } } };
    }
    const body = JSON.parse(req.body) as Record<string, unknown>;
    const sso = /MS_AUTH_SSO=([^;]+)/.exec(String(req.headers.cookie ?? ''))?.[1];
    const logins = this.options.logins ?? [];
    if (typeof body._ph === 'string' || (typeof body._u === 'string' && typeof body._p === 'string')) {
      const login = logins.find((l) => (body._ph ? l.phone === body._ph : l.email === body._u && l.password === body._p));
      if (!login) return { status: 400, body: { error: 'BAD_CREDENTIALS' } };
      const id = randomBytes(6).toString('hex');
      this.pending.set(id, { merchants: login.merchants, code: login.code, step: 'code' });
      return { body: {}, headers: { 'set-cookie': `MS_AUTH_SSO=${id}; Path=/; HttpOnly` } };
    }
    const code = body._c ?? body._m_c;
    const p = sso ? this.pending.get(sso) : undefined;
    if (!p || code !== p.code) return { status: 400, body: { error: 'WRONG_CODE' } };
    p.step = 'done';
    return { body: { redirectUrl: '/' } };
  }

  authorizeRoute(req: FakeRequest): FakeResponse {
    // /oauth2/authorization/1 (cabinet) → /oauth2/authorize (idmc, needs the signed-in SSO cookie).
    if (req.path === '/oauth2/authorization/1') {
      return { status: 302, headers: { location: `${this.url}/oauth2/authorize?client_id=mc&state=s1`, 'set-cookie': 'MC_STATE=s1; Path=/' }, body: '' };
    }
    const sso = /MS_AUTH_SSO=([^;]+)/.exec(String(req.headers.cookie ?? ''))?.[1];
    const p = sso ? this.pending.get(sso) : undefined;
    if (p?.step !== 'done') return { status: 302, headers: { location: `${this.url}/login` }, body: '' };
    const code = randomBytes(6).toString('hex');
    this.codes.set(code, p.merchants);
    return { status: 302, headers: { location: `${this.url}/login/oauth2/code/1?code=${code}&state=s1` }, body: '' };
  }

  callbackRoute(req: FakeRequest): FakeResponse {
    const merchants = this.codes.get(req.query.get('code') ?? '');
    if (!merchants || !String(req.headers.cookie ?? '').includes('MC_STATE=s1')) return { status: 400, body: 'bad state' };
    const cookie = this.newSession(merchants);
    const [session, sid] = cookie.split('; ');
    return { status: 302, headers: { location: 'https://kaspi.kz/mc/', 'set-cookie': `${session}; Path=/; HttpOnly, ${sid}; Path=/; HttpOnly` }, body: '' };
  }
}

/** Starts the fake cabinet + offers server. */
export async function startFakeKaspiMc(options: FakeMcOptions = {}): Promise<FakeKaspiMc> {
  let mc!: FakeKaspiMc;
  const server = await startFakeServer((s) => {
    s.route('POST', '/yml/offer-view/offers/:id', (req) => mc.offersRoute(req));
    s.route('POST', '/pricefeed/upload/merchant/process', (req) => mc.processRoute(req));
    s.route('POST', '/pricefeed/upload/merchant/upload', (req) => mc.uploadRoute(req));
    s.route('POST', '/api/p/login', (req) => mc.loginRoute(req));
    s.route('GET', '/oauth2/authorization/1', (req) => mc.authorizeRoute(req));
    s.route('GET', '/oauth2/authorize', (req) => mc.authorizeRoute(req));
    s.route('GET', '/login/oauth2/code/1', (req) => mc.callbackRoute(req));
    s.route('GET', '/s/m', (req) => {
      const seen = mc.merchantsOf(req);
      return seen ? { body: { merchants: seen.map((uid) => ({ uid })) } } : { status: 401, body: { error: 'unauthorized' } };
    });
    s.route('POST', '/mc/facade/graphql', (req) => {
      const seen = mc.merchantsOf(req);
      if (!seen) return { status: 401, body: {} };
      const id = (JSON.parse(req.body) as { variables: { id: string } }).variables.id;
      const m = mc.merchants.find((x) => x.uid === id);
      const points = (m?.points ?? [{ pp: 'PP1' }]).map((p) => ({
        id: `${id}_${p.pp}`,
        name: p.pp,
        enabled: p.enabled ?? true,
        city: { id: m?.cityId ?? '750000000' },
      }));
      return { body: { data: { merchant: m ? { id, name: m.name, points } : null } } };
    });
    s.route('GET', '/bff/offer-view/list', (req) => {
      const seen = mc.merchantsOf(req);
      const uid = req.query.get('m') ?? '';
      if (!seen?.includes(uid)) return { status: 401, body: {} };
      const size = Number(req.query.get('l') ?? 10);
      const page = Number(req.query.get('p') ?? 0);
      const merchant = mc.merchants.find((m) => m.uid === uid);
      const all = [...(merchant?.offers ?? []).map((o) => cabinetRow(uid, merchant?.cityId ?? '750000000', o)), ...(merchant?.rawRows ?? [])];
      return { body: { data: all.slice(page * size, page * size + size), total: all.length } };
    });
  });
  mc = new FakeKaspiMc(server, options);
  return mc;
}

/**
 * One row of `/bff/offer-view/list` in the shape of the real capture (fixtures/kaspi-mc/): `price` is
 * 0 and the price is per city in `allCityPrices` (with `minPrice`/`maxPrice` over them); `cityPrices`,
 * `availabilities` and the like are null as in the capture. test/demper/mc-conformance.test.ts holds it
 * against the real rows.
 */
export function cabinetRow(uid: string, cityId: string, o: FakeCabinetOffer): Record<string, unknown> {
  const prices: Record<string, number> = { [cityId]: o.price, ...(o.cityPrices ?? {}) };
  const values = Object.values(prices);
  const slug =
    o.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'product';
  return {
    masterSku: o.masterSku,
    images: [`h${o.masterSku.slice(-2)}/h${o.masterSku.slice(0, 2)}/${o.masterSku}.jpg`],
    shopLink: `/p/${slug}-${o.masterSku}/`,
    masterTitle: o.title,
    offerId: `${o.masterSku}${o.sku}`.replace(/\W/g, '').slice(0, 24).padEnd(24, '0'),
    fileId: 'MANUAL_CHANGES',
    merchantUid: uid,
    sku: o.sku,
    model: null,
    brand: o.brand ?? null,
    price: 0,
    oldprice: 0,
    availabilities: null,
    cityPrices: null,
    deliveryOptions: null,
    _version: null,
    _distinctVersion: 1,
    offerSource: 'MANUAL_OFFER',
    reindexReason: null,
    matchesLastBatch: false,
    skipDistinctCheck: false,
    priority: 0,
    rangePrice: { MAX: 0, MIN: 0 },
    updates: [{ operationType: 'PRICE_CHANGE', uploadedBy: 'seller@example.kz', uploadedDate: '2026-11-20T10:00:00.000' }],
    archivedAt: o.available === false ? '2026-11-20T10:05:00.000' : null,
    modification: false,
    colourCode: null,
    attributes: [],
    editionDeadline: '2026-11-21T10:00:00.000+05:00',
    verticalCategory: 'Home',
    masterCategory: 'Master - Cutlery',
    title: o.title,
    available: o.available ?? true,
    minPrice: Math.min(...values),
    maxPrice: Math.max(...values),
    points: ['PP1'],
    updatedAt: '2026-11-20T05:00:00.000000Z',
    anyPickup: true,
    anyKaspiDelivery: true,
    anyKaspiDeliveryLocal: false,
    anyKaspiDeliveryExpress: false,
    anyMerchantDelivery: false,
    brandCode: null,
    selectedCity: null,
    allCityPrices: Object.fromEntries(Object.entries(prices).map(([city, price]) => [city, { price, oldPrice: null }])),
    offerError:
      o.available === false ? { offerSource: 'MANUAL_OFFER', errorCodes: ['NO_AVAILABILITIES'], warningCodes: [], klNotes: [], reindexReason: null } : null,
  };
}

/**
 * One offer of `POST /yml/offer-view/offers/<id>` in the shape of the real answers
 * (fixtures/kaspi/real/: xbatyr's page and a README sample), held against them by
 * test/demper/mc-conformance.test.ts. `deliveryOptions` is served only when a test gives it: no real
 * capture of today's answer holds it, other projects' parsers read it (reference/kaspi.md §2).
 */
export function publicOffer(productId: string, o: FakeRawOffer): Record<string, unknown> {
  const point = `${o.merchantId}_PP1`;
  return {
    masterSku: productId,
    masterCategory: 'Master - Smartphones',
    merchantId: o.merchantId,
    merchantName: o.merchantName ?? o.merchantId,
    merchantSku: `${productId}_${o.merchantId}`,
    merchantReviewsQuantity: 120,
    merchantRating: 4.8,
    title: `Product ${productId}`,
    price: o.price,
    delivery: '2026-11-22T08:00:00.000+00:00',
    deliveryMovedBySlot: false,
    kdPickupDate: '2026-11-21T04:55:00.000+00:00',
    availabilityDate: '2026-11-21T05:00:00.000+00:00',
    pickup: '2026-11-21T05:00:00.000+00:00',
    kaspiDelivery: true,
    kdPoints: [point],
    pointsWithAvailability: [point],
    preorder: 0,
    locatedInPoint: point,
    deliveryType: 'TO_DOOR',
    deliveryDuration: o.deliveryDuration ?? 'TILL_2_DAYS',
    postomat: '2026-11-22T18:00:00.000+00:00',
    ...(o.deliveryOptions ? { deliveryOptions: o.deliveryOptions } : {}),
  };
}
