// Pure parsers for the Kaspi Shop API's JSON:API documents (reference/kaspi.md §5): order pages and
// an order's entries with their products. Money comes as JSON numbers and leaves as decimal strings.
import { normalizeDecimal } from '../../core/money.js';

export const ORDER_STATES = ['NEW', 'SIGN_REQUIRED', 'PICKUP', 'DELIVERY', 'KASPI_DELIVERY', 'ARCHIVE'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export interface ShopOrder {
  /** The JSON:API id: what `/orders/{id}/entries` takes. */
  id: string;
  code: string;
  state: string;
  status: string;
  totalPrice: string;
  deliveryCost: string | null;
  paymentMode: string | null;
  deliveryMode: string | null;
  kaspiDelivery: boolean | null;
  plannedDeliveryDate: Date | null;
  createdAt: Date;
  approvedAt: Date | null;
  preOrder: boolean;
  pickupPointId: string | null;
  city: string | null;
  customerName: string | null;
  customerPhone: string | null;
}

export interface ShopOrderPage {
  orders: ShopOrder[];
  pageCount: number;
  totalCount: number;
}

export interface ShopEntry {
  entryNumber: number;
  quantity: number;
  basePrice: string;
  totalPrice: string;
  /** The product resource id, for `/orderentries/{id}/product` when the page did not include it. */
  entryId: string;
  productId: string | null;
  productCode: string | null;
  productName: string | null;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
// Whole tenge (nearly every price) skip the general decimal path: same text as normalizeDecimal(v, 2).
const money = (v: unknown): string | null =>
  Number.isSafeInteger(v) ? `${v}.00` : typeof v === 'number' || (typeof v === 'string' && v !== '') ? normalizeDecimal(v as string | number, 2) : null;
const ms = (v: unknown): Date | null => (typeof v === 'number' && Number.isFinite(v) ? new Date(v) : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

function dataArray(doc: unknown, what: string): Json[] {
  const data = obj(doc).data;
  if (!Array.isArray(data)) throw new Error(`the Kaspi Shop API ${what} answer has no data array`);
  return data.map(obj);
}

/** One page of `GET /orders`: the orders and the page count from `meta`. */
export function parseOrderPage(doc: unknown): ShopOrderPage {
  const orders = dataArray(doc, 'orders').map(parseOrder);
  const meta = obj(obj(doc).meta);
  return { orders, pageCount: Number(meta.pageCount ?? 0) || 0, totalCount: Number(meta.totalCount ?? orders.length) || 0 };
}

export function parseOrder(resource: Json): ShopOrder {
  const a = obj(resource.attributes);
  const id = str(resource.id);
  const code = str(a.code);
  const createdAt = ms(a.creationDate);
  const totalPrice = money(a.totalPrice);
  if (!id || !code || !createdAt || totalPrice === null)
    throw new Error(`a Kaspi order without id, code, creationDate or totalPrice: ${JSON.stringify(resource).slice(0, 200)}`);
  const customer = obj(a.customer);
  const fullName = [str(customer.firstName), str(customer.lastName)].filter(Boolean).join(' ');
  return {
    id,
    code,
    state: str(a.state) ?? 'UNKNOWN',
    status: str(a.status) ?? 'UNKNOWN',
    totalPrice,
    deliveryCost: money(a.deliveryCostForSeller ?? a.deliveryCost),
    paymentMode: str(a.paymentMode),
    deliveryMode: str(a.deliveryMode),
    kaspiDelivery: bool(a.isKaspiDelivery),
    plannedDeliveryDate: ms(a.plannedDeliveryDate),
    createdAt,
    approvedAt: ms(a.approvedByBankDate),
    preOrder: a.preOrder === true,
    pickupPointId: str(a.pickupPointId),
    city: str(obj(a.deliveryAddress).town) ?? str(obj(obj(a.originAddress).city).name),
    customerName: str(customer.name) ?? (fullName || null),
    customerPhone: str(customer.cellPhone),
  };
}

/** `GET /orders/{id}/entries` (with `include=product`): entries joined to the included products. */
export function parseEntries(doc: unknown): ShopEntry[] {
  const products = new Map<string, Json>();
  const included = obj(doc).included;
  if (Array.isArray(included)) for (const r of included.map(obj)) if (str(r.id)) products.set(`${r.type}/${r.id}`, obj(r.attributes));
  return dataArray(doc, 'entries').map((resource) => {
    const a = obj(resource.attributes);
    const rel = obj(obj(obj(resource.relationships).product).data);
    const product = products.get(`${rel.type}/${rel.id}`);
    const entryNumber = Number(a.entryNumber);
    const quantity = Number(a.quantity);
    const basePrice = money(a.basePrice);
    const totalPrice = money(a.totalPrice);
    if (!Number.isInteger(entryNumber) || !Number.isInteger(quantity) || basePrice === null || totalPrice === null) {
      throw new Error(`a Kaspi order entry without entryNumber, quantity or prices: ${JSON.stringify(resource).slice(0, 200)}`);
    }
    return {
      entryNumber,
      quantity,
      basePrice,
      totalPrice,
      entryId: str(resource.id) ?? '',
      productId: str(rel.id),
      productCode: product ? str(product.code) : null,
      productName: product ? str(product.name) : null,
    };
  });
}

/** `GET /orderentries/{id}/product`: `{code, name}`. */
export function parseEntryProduct(doc: unknown): { code: string | null; name: string | null } {
  const a = obj(obj(obj(doc).data).attributes);
  return { code: str(a.code), name: str(a.name) };
}
