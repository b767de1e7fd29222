// A fake Kaspi Shop API (reference/kaspi.md §5) for tests and the bench: JSON:API order pages per
// state and creation window, entries with their products, and Kaspi's refusals — 404 HTML without
// `Accept: application/vnd.api+json`, 401 for a wrong X-Auth-Token, 400 for a window over 14 days
// or a page size over 100.
import { type FakeRequest, type FakeResponse, type FakeServer, startFakeServer } from './fake-server.js';

export interface FakeShopEntry {
  quantity: number;
  basePrice: number;
  totalPrice: number;
  product: { code: string; name: string };
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
  entries: FakeShopEntry[];
  /** Serve the entry's product only through /orderentries/{id}/product, not in `included`. */
  productNotIncluded?: boolean;
}

export interface FakeKaspiShop {
  server: FakeServer;
  url: string;
  token: string;
  orders: Map<string, FakeShopOrder>;
  /** Changes an order's state/status as Kaspi would after delivery, a cancellation, a return. */
  update(id: string, patch: Partial<Pick<FakeShopOrder, 'state' | 'status'>>): void;
  stop(): Promise<void>;
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

function orderResource(o: FakeShopOrder) {
  return {
    type: 'orders',
    id: o.id,
    attributes: {
      code: o.code,
      totalPrice: o.totalPrice,
      paymentMode: 'PAY_WITH_CREDIT',
      plannedDeliveryDate: o.plannedDeliveryDate ?? null,
      creationDate: o.creationDate,
      approvedByBankDate: o.approvedByBankDate ?? o.creationDate + 60_000,
      deliveryCostForSeller: 0,
      isKaspiDelivery: o.isKaspiDelivery ?? false,
      deliveryMode: o.deliveryMode ?? 'DELIVERY_PICKUP',
      deliveryAddress: o.town ? { town: o.town, formattedAddress: `${o.town}, ул. Абая 1` } : undefined,
      signatureRequired: false,
      preOrder: o.preOrder ?? false,
      pickupPointId: o.pickupPointId ?? 'M1_PP1',
      state: o.state,
      status: o.status,
      customer: o.customer ? { id: `c-${o.id}`, name: o.customer.name, cellPhone: o.customer.cellPhone } : undefined,
      deliveryCost: 0,
    },
    relationships: { entries: { links: { related: `/orders/${o.id}/entries` } } },
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
      const include = req.query.get('include') === 'product' && !o.productNotIncluded;
      const data = o.entries.map((e, i) => ({
        type: 'orderentries',
        id: `${o.id}-e${i + 1}`,
        attributes: { entryNumber: i + 1, quantity: e.quantity, basePrice: e.basePrice, totalPrice: e.totalPrice, deliveryCost: 0 },
        relationships: { product: { data: { type: 'masterproducts', id: `mp-${e.product.code}` } }, deliveryPointOfService: { data: null } },
      }));
      const included = include
        ? [
            ...new Map(
              o.entries.map((e) => [
                e.product.code,
                { type: 'masterproducts', id: `mp-${e.product.code}`, attributes: { code: e.product.code, name: e.product.name, manufacturer: '' } },
              ]),
            ).values(),
          ]
        : [];
      return jsonApi({ data, included });
    });
    s.route('GET', '/orderentries/:id/product', (req) => {
      const refused = guard(req);
      if (refused) return refused;
      const m = /^(.*)-e(\d+)$/.exec(req.params.id!);
      const e = m ? byId.get(m[1]!)?.entries[Number(m[2]) - 1] : undefined;
      if (!e) return error(404, 'Entry not found');
      return jsonApi({
        data: { type: 'masterproducts', id: `mp-${e.product.code}`, attributes: { code: e.product.code, name: e.product.name, manufacturer: '' } },
      });
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
    stop: () => server.stop(),
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
