// A fake Kaspi Shop API (reference/kaspi.md §5) for tests and the bench: JSON:API order pages per
// state and creation window, entries with their products, and Kaspi's refusals — 404 HTML without
// `Accept: application/vnd.api+json`, 401 for a wrong X-Auth-Token, 400 for a window over 14 days
// or a page size over 100. Answers have the shapes of the real ones (fixtures/kaspi-shop-api/; held
// against them by test/kaspi-orders/shop-conformance.test.ts): entries as Kaspi answers them in 2026
// (`quantity`, `basePrice`, `offer {code, name}`, no entryNumber or totalPrice), or as its guide shows
// them (entryNumber, totalPrice, category, the product through `include`/`/orderentries/{id}/product`).
import { type FakeRequest, type FakeResponse, type FakeServer, startFakeServer } from './fake-server.js';

export interface FakeShopEntry {
  quantity: number;
  basePrice: number;
  totalPrice: number;
  product: { code: string; name: string };
  /** `guide` entries' `category` (default Master - Fruits / Фрукты, as the guide's example). */
  category?: { code: string; title: string };
}

export interface FakeShopOrder {
  id: string;
  code: string;
  state: string;
  status: string;
  totalPrice: number;
  /** ms since epoch */
  creationDate: number;
  approvedByBankDate?: number;
  plannedDeliveryDate?: number;
  deliveryMode?: string;
  isKaspiDelivery?: boolean;
  preOrder?: boolean;
  pickupPointId?: string;
  town?: string;
  customer?: { name: string; cellPhone: string };
  /** What Kaspi charges the seller for delivery (`deliveryCostForSeller`, default 0); null leaves it out of the answer. */
  deliveryCostForSeller?: number | null;
  entries: FakeShopEntry[];
  /**
   * How entries are answered: `offer` (default) as Kaspi does in 2026 — named by `offer`, no
   * entryNumber, no totalPrice; `guide` as its guide shows — entryNumber, totalPrice, category, the
   * product in `included` when asked with include=product.
   */
  entryShape?: 'offer' | 'guide';
  /** `guide` entries whose product comes only from /orderentries/{id}/product, not in `included`. */
  productNotIncluded?: boolean;
}

export interface FakeKaspiShop {
  server: FakeServer;
  url: string;
  token: string;
  orders: Map<string, FakeShopOrder>;
  /** Changes an order's state/status as Kaspi would after delivery, a cancellation, a return. */
  update(id: string, patch: Partial<Pick<FakeShopOrder, 'state' | 'status'>>): void;
  /** A new order placed with the shop. */
  add(order: FakeShopOrder): void;
  stop(): Promise<void>;
  /** Fails (throws) on a request no route answered or an injected fault not used up: for a test's afterEach. */
  verify(): void;
}

const JSON_API = 'application/vnd.api+json';
const MAX_WINDOW_MS = 14 * 86_400_000;
const NOT_FOUND_HTML = '<!DOCTYPE html><html><head><title>404</title></head><body><h1>Страница не найдена</h1></body></html>';

function jsonApi(body: unknown, status = 200): FakeResponse {
  return { status, headers: { 'content-type': JSON_API }, body: JSON.stringify(body) };
}

function error(status: number, title: string): FakeResponse {
  return jsonApi({ errors: [{ status: String(status), title }] }, status);
}

const API = 'https://kaspi.kz/shop/api/v2';
const b64 = (text: string) => Buffer.from(text).toString('base64').replace(/=+$/, '');
/** Kaspi's entry ids are base64 of `<order code>##<entry number>`. */
const entryId = (o: FakeShopOrder, i: number) => b64(`${o.code}##${i}`);
const productId = (code: string) => b64(code);

function orderResource(o: FakeShopOrder) {
  // Every real order names a customer; an order given without one answers with nulls in it.
  const customer = o.customer ?? { name: null, cellPhone: null };
  const customerId = b64(customer.cellPhone ?? o.id);
  return {
    type: 'orders',
    id: o.id,
    attributes: {
      code: o.code,
      totalPrice: o.totalPrice,
      paymentMode: 'PAY_WITH_CREDIT',
      plannedDeliveryDate: o.plannedDeliveryDate ?? null,
      creationDate: o.creationDate,
      ...(o.deliveryCostForSeller === null ? {} : { deliveryCostForSeller: o.deliveryCostForSeller ?? 0 }),
      isKaspiDelivery: o.isKaspiDelivery ?? false,
      deliveryMode: o.deliveryMode ?? 'DELIVERY_PICKUP',
      ...(o.town
        ? {
            deliveryAddress: {
              streetName: 'улица Абая',
              streetNumber: '1',
              town: o.town,
              district: null,
              building: null,
              apartment: null,
              formattedAddress: `${o.town}, улица Абая, 1`,
              latitude: 43.240013,
              longitude: 76.938854,
            },
          }
        : {}),
      signatureRequired: false,
      creditTerm: 3,
      preOrder: o.preOrder ?? false,
      pickupPointId: o.pickupPointId ?? 'M1_PP1',
      state: o.state,
      assembled: false,
      approvedByBankDate: o.approvedByBankDate ?? o.creationDate + 60_000,
      status: o.status,
      customer: { id: customerId, name: customer.name, cellPhone: customer.cellPhone },
      ...(o.isKaspiDelivery
        ? { kaspiDelivery: { waybill: null, courierTransmissionDate: null, courierTransmissionPlanningDate: o.creationDate + 86_400_000 } }
        : {}),
      deliveryCost: 0,
    },
    relationships: {
      user: { links: { self: `${API}/orders/${o.id}/relationships/user`, related: `${API}/orders/${o.id}/user` }, data: { type: 'customers', id: customerId } },
      entries: { links: { self: `${API}/orders/${o.id}/relationships/entries`, related: `${API}/orders/${o.id}/entries` } },
    },
    links: { self: `${API}/orders/${o.id}` },
  };
}

function entryResource(o: FakeShopOrder, e: FakeShopEntry, i: number) {
  const id = entryId(o, i);
  const product = { data: { id: productId(e.product.code), type: 'masterproducts' } };
  const pos = { data: { id: o.pickupPointId ?? 'M1_PP1', type: 'pointofservices' } };
  if ((o.entryShape ?? (o.productNotIncluded ? 'guide' : 'offer')) === 'offer') {
    // As Kaspi answered in 2026 (fixtures/kaspi-shop-api/entries_2026-05_offer-no-entrynumber.json).
    return {
      id,
      type: 'orderentries',
      attributes: { quantity: e.quantity, basePrice: e.basePrice, offer: { code: e.product.code, name: e.product.name } },
      relationships: { product, deliveryPointOfService: pos },
    };
  }
  const links = (rel: string) => ({ self: `${API}/orderentries/${id}/relationships/${rel}`, related: `${API}/orderentries/${id}/${rel}` });
  return {
    type: 'orderentries',
    id,
    attributes: {
      unitType: 'PIECES',
      quantity: e.quantity,
      totalPrice: e.totalPrice,
      weight: 0.0,
      entryNumber: i,
      category: e.category ?? { code: 'Master - Fruits', title: 'Фрукты' },
      deliveryCost: 0.0,
      basePrice: e.basePrice,
      isImeiRequired: false,
    },
    relationships: { deliveryPointOfService: { links: links('deliveryPointOfService'), ...pos }, product: { links: links('product'), ...product } },
    links: { self: `${API}/orderentries/${id}` },
  };
}

function productResource(e: FakeShopEntry) {
  const id = productId(e.product.code);
  return {
    type: 'masterproducts',
    id,
    attributes: { code: e.product.code, name: e.product.name, category: 'Фрукты' },
    relationships: {
      merchantProduct: {
        links: { self: `${API}/masterproducts/${id}/relationships/merchantProduct`, related: `${API}/masterproducts/${id}/merchantProduct` },
        data: null,
      },
    },
    links: { self: `${API}/masterproducts/${id}` },
  };
}

/** Starts the fake with these orders; `token` is the only X-Auth-Token it accepts. */
export async function startFakeKaspiShop(orders: FakeShopOrder[], token = 'shop-token-1234'): Promise<FakeKaspiShop> {
  const byId = new Map(orders.map((o) => [o.id, o]));
  // Sorted by creation so a window is a slice, as the bench's 50,000 orders need.
  let sorted: FakeShopOrder[] = [];
  const resort = () => {
    sorted = [...byId.values()].sort((a, b) => a.creationDate - b.creationDate);
  };
  resort();

  const guard = (req: FakeRequest): FakeResponse | undefined => {
    if (!String(req.headers.accept ?? '').includes(JSON_API))
      return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: NOT_FOUND_HTML };
    if (req.headers['x-auth-token'] !== token) return error(401, 'Unauthorized');
    return undefined;
  };

  const server = await startFakeServer((s) => {
    s.route('GET', '/orders', (req) => {
      const refused = guard(req);
      if (refused) return refused;
      const q = req.query;
      const ge = Number(q.get('filter[orders][creationDate][$ge]'));
      const le = Number(q.get('filter[orders][creationDate][$le]'));
      const state = q.get('filter[orders][state]');
      const page = Number(q.get('page[number]') ?? 0);
      const size = Number(q.get('page[size]') ?? 20);
      if (!Number.isFinite(ge) || !Number.isFinite(le) || !q.has('filter[orders][creationDate][$ge]')) return error(400, 'creationDate filter is required');
      if (le - ge > MAX_WINDOW_MS) return error(400, 'Period of creationDate filter must not exceed 14 days');
      if (!state) return error(400, 'state filter is required');
      if (size > 100 || size < 1) return error(400, 'page[size] must be between 1 and 100');
      const matching = sorted.filter((o) => o.state === state && o.creationDate >= ge && o.creationDate <= le);
      const data = matching.slice(page * size, (page + 1) * size).map(orderResource);
      return jsonApi({ data, included: [], meta: { pageCount: Math.ceil(matching.length / size), totalCount: matching.length } });
    });
    s.route('GET', '/orders/:id/entries', (req) => {
      const refused = guard(req);
      if (refused) return refused;
      const o = byId.get(req.params.id!);
      if (!o) return error(404, 'Order not found');
      const data = o.entries.map((e, i) => entryResource(o, e, i));
      if ((o.entryShape ?? (o.productNotIncluded ? 'guide' : 'offer')) === 'offer') return jsonApi({ data });
      const include = req.query.get('include') === 'product' && !o.productNotIncluded;
      const included = include ? [...new Map(o.entries.map((e) => [e.product.code, productResource(e)])).values()] : [];
      return jsonApi({ data, included });
    });
    s.route('GET', '/orderentries/:id/product', (req) => {
      const refused = guard(req);
      if (refused) return refused;
      const m = /^(.*)##(\d+)$/.exec(Buffer.from(req.params.id!, 'base64').toString('utf8'));
      const e = m ? [...byId.values()].find((o) => o.code === m[1])?.entries[Number(m[2])] : undefined;
      if (!e) return error(404, 'Entry not found');
      return jsonApi({ data: productResource(e), included: [] });
    });
  });
  return {
    server,
    url: server.url,
    token,
    orders: byId,
    update(id, patch) {
      const o = byId.get(id);
      if (!o) throw new Error(`no fake order ${id}`);
      Object.assign(o, patch);
      resort();
    },
    add(order) {
      if (byId.has(order.id)) throw new Error(`fake order ${order.id} exists`);
      byId.set(order.id, order);
      resort();
    },
    stop: () => server.stop(),
    verify: () => server.verify(),
  };
}

const STATES: Array<[string, string]> = [
  ['NEW', 'APPROVED_BY_BANK'],
  ['PICKUP', 'ACCEPTED_BY_MERCHANT'],
  ['DELIVERY', 'ACCEPTED_BY_MERCHANT'],
  ['KASPI_DELIVERY', 'ACCEPTED_BY_MERCHANT'],
  ['ARCHIVE', 'COMPLETED'],
  ['ARCHIVE', 'COMPLETED'],
  ['ARCHIVE', 'CANCELLED'],
  ['SIGN_REQUIRED', 'APPROVED_BY_BANK'],
];

/** `n` generated orders, one every `stepMs` from `from`, each with `entries` entries over 40 products. */
export function generateOrders(n: number, from: Date, stepMs: number, entries = 2): FakeShopOrder[] {
  const out: FakeShopOrder[] = [];
  for (let i = 0; i < n; i++) {
    const [state, status] = STATES[i % STATES.length]!;
    const list: FakeShopEntry[] = [];
    for (let k = 0; k < entries; k++) {
      const p = (i * 7 + k * 13) % 40;
      const quantity = 1 + ((i + k) % 3);
      const basePrice = 1000 + p * 250;
      list.push({ quantity, basePrice, totalPrice: basePrice * quantity, product: { code: `SKU-${p}`, name: `Товар ${p}` } });
    }
    out.push({
      id: `ord${i}`,
      code: String(500_000_000 + i),
      state,
      status,
      totalPrice: list.reduce((s, e) => s + e.totalPrice, 0),
      creationDate: from.getTime() + i * stepMs,
      town: ['Алматы', 'Астана', 'Шымкент'][i % 3],
      customer: { name: `Покупатель ${i}`, cellPhone: `7701${String(1_000_000 + i).slice(-7)}` },
      entries: list,
    });
  }
  return out;
}
