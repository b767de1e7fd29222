// Pure parsers for the Kaspi Shop API's JSON:API documents (reference/kaspi.md §5): order pages and
// an order's entries with their products. Money comes as JSON numbers and leaves as decimal strings.
import { UserError } from '../../core/errors.js';
import { fromMinor, normalizeDecimal, toMinor } from '../../core/money.js';
import { describeBody } from '../../core/upstream-shape.js';

export const ORDER_STATES = ['NEW', 'SIGN_REQUIRED', 'PICKUP', 'DELIVERY', 'KASPI_DELIVERY', 'ARCHIVE'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export interface ShopOrder {
  /** The JSON:API id: what `/orders/{id}/entries` takes. */
  id: string;
  code: string;
  state: string;
  status: string;
  totalPrice: string;
  /** What the buyer pays for delivery (`deliveryCost`). */
  deliveryCost: string | null;
  /** What Kaspi charges the seller for delivery (`deliveryCostForSeller`); null when not given. */
  deliveryCostForSeller: string | null;
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
  /**
   * Entries the page carried itself (`included` orderentries named by an order's
   * `relationships.entries.data`), by order id: only orders whose every named entry is there.
   */
  includedEntries: Map<string, ShopEntry[]>;
}

export interface ShopEntry {
  /** Kaspi's `entryNumber` (from 0); null when the answer does not give it (real answers of 2026 do not). */
  entryNumber: number | null;
  quantity: number;
  basePrice: string;
  /** `totalPrice`, or basePrice × quantity (decimal, exact) when the answer does not give it. */
  totalPrice: string;
  /** The entry resource id, for `/orderentries/{id}/product` when the answer names no product. */
  entryId: string;
  productId: string | null;
  /** `offer.code` of the entry, else the included product's `code`; null until read from the product. */
  productCode: string | null;
  productName: string | null;
  /** The entry's `category {code, title}` (e.g. `Master - Lids`, «Крышки для посуды»), when given. */
  categoryCode: string | null;
  categoryTitle: string | null;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
/**
 * Money as a decimal string with 2 places; null when absent. Throws on anything else, a third decimal
 * place included (refused, never rounded). Whole tenge (nearly every price) skip the decimal path.
 */
const money = (v: unknown): string | null => {
  if (v === undefined || v === null || v === '') return null;
  if (Number.isSafeInteger(v)) return `${v}.00`;
  if (typeof v !== 'number' && typeof v !== 'string') throw new Error('not a number');
  return fromMinor(toMinor(normalizeDecimal(v), 2), 2);
};
const ms = (v: unknown): Date | null => (typeof v === 'number' && Number.isFinite(v) ? new Date(v) : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

/**
 * A Shop API answer mp cannot read: names what and which field, never the resource itself (an order
 * carries the customer's name, phone and address).
 */
export function badShopAnswer(what: string, problem: string): UserError {
  return new UserError('KASPI_SHOP_BAD_RESPONSE', `the Kaspi Shop API ${what} ${problem}: nothing was stored; try again later, and report it if it stays`, {
    details: { what, problem },
  });
}

function dataArray(doc: unknown, what: string): Json[] {
  if (!isObj(doc)) throw badShopAnswer(`${what} answer`, `is ${describeBody(doc)}, not a JSON:API document`);
  if (!Array.isArray(doc.data)) throw badShopAnswer(`${what} answer`, `has no data array (${describeBody(doc)})`);
  return doc.data.map((r, i) => {
    if (!isObj(r)) throw badShopAnswer(`${what} answer`, `has data[${i}] that is not a resource`);
    return r;
  });
}

/** One page of `GET /orders`: the orders, the page count from `meta`, and entries the page included. */
export function parseOrderPage(doc: unknown): ShopOrderPage {
  const resources = dataArray(doc, 'orders');
  const orders = resources.map((r, i) => parseOrder(r, i));
  const meta = obj(obj(doc).meta);
  return {
    orders,
    pageCount: Number(meta.pageCount ?? 0) || 0,
    totalCount: Number(meta.totalCount ?? orders.length) || 0,
    includedEntries: includedEntries(obj(doc).included, resources),
  };
}

/** Entries in `included` for the orders that name them all in `relationships.entries.data`. */
function includedEntries(included: unknown, orders: Json[]): Map<string, ShopEntry[]> {
  const out = new Map<string, ShopEntry[]>();
  if (!Array.isArray(included) || included.length === 0) return out;
  const byId = new Map<string, Json>();
  for (const r of included) if (isObj(r) && r.type === 'orderentries' && str(r.id)) byId.set(str(r.id)!, r);
  const products = includedProducts(included);
  for (const order of orders) {
    const named = obj(obj(order.relationships).entries).data;
    if (!Array.isArray(named) || named.length === 0) continue;
    const ids = named.map((d) => str(obj(d).id));
    if (ids.some((id) => id === null || !byId.has(id))) continue;
    const orderId = str(order.id) ?? '';
    out.set(
      orderId,
      ids.map((id, i) => parseEntry(byId.get(id!)!, i, products, `order ${orderId}`)),
    );
  }
  return out;
}

export function parseOrder(resource: Json, index = 0): ShopOrder {
  const a = obj(resource.attributes);
  const id = str(resource.id);
  const code = str(a.code);
  const createdAt = ms(a.creationDate);
  const orderMoney = (name: 'totalPrice' | 'deliveryCostForSeller' | 'deliveryCost'): string | null => {
    try {
      return money(a[name]);
    } catch {
      throw badShopAnswer('orders answer', `has order ${code ?? `data[${index}]`} with attributes.${name} that is not an amount in tenge (2 decimals at most)`);
    }
  };
  const totalPrice = orderMoney('totalPrice');
  const missing = [!id && 'id', !code && 'attributes.code', !createdAt && 'attributes.creationDate', totalPrice === null && 'attributes.totalPrice'].filter(
    Boolean,
  );
  if (missing.length > 0) {
    // The order code is the number people see, not customer data: it says which order to look at.
    const which = code ? `order ${code}` : `order data[${index}]`;
    throw badShopAnswer('orders answer', `has ${which} without ${missing.join(', ')}`);
  }
  const customer = obj(a.customer);
  const fullName = [str(customer.firstName), str(customer.lastName)].filter(Boolean).join(' ');
  return {
    id: id!,
    code: code!,
    state: str(a.state) ?? 'UNKNOWN',
    status: str(a.status) ?? 'UNKNOWN',
    totalPrice: totalPrice!,
    deliveryCost: orderMoney('deliveryCost'),
    deliveryCostForSeller: orderMoney('deliveryCostForSeller'),
    paymentMode: str(a.paymentMode),
    deliveryMode: str(a.deliveryMode),
    kaspiDelivery: bool(a.isKaspiDelivery),
    plannedDeliveryDate: ms(a.plannedDeliveryDate),
    createdAt: createdAt!,
    approvedAt: ms(a.approvedByBankDate),
    preOrder: a.preOrder === true,
    pickupPointId: str(a.pickupPointId),
    city: str(obj(a.deliveryAddress).town) ?? str(obj(obj(a.originAddress).city).name),
    customerName: str(customer.name) ?? (fullName || null),
    customerPhone: str(customer.cellPhone),
  };
}

function includedProducts(included: unknown): Map<string, Json> {
  const products = new Map<string, Json>();
  if (Array.isArray(included))
    for (const r of included) if (isObj(r) && str(r.id) && r.type !== 'orderentries') products.set(`${r.type}/${r.id}`, obj(r.attributes));
  return products;
}

/**
 * `GET /orders/{id}/entries`: the entries, named by `offer` (code, name) or an included product.
 * `what` names the order in an error message.
 */
export function parseEntries(doc: unknown, what = 'order'): ShopEntry[] {
  const products = includedProducts(obj(doc).included);
  return dataArray(doc, `entries of ${what}`).map((resource, i) => parseEntry(resource, i, products, what));
}

function parseEntry(resource: Json, index: number, products: Map<string, Json>, what: string): ShopEntry {
  const a = obj(resource.attributes);
  const where = `entries of ${what}`;
  const field = (name: string, problem: string) => badShopAnswer(`${where} answer`, `has entry ${index} with ${problem} (attributes.${name})`);
  const quantity = a.quantity;
  if (quantity === undefined || quantity === null) throw field('quantity', 'no quantity');
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity <= 0)
    throw field('quantity', 'a quantity that is not a whole number above 0');
  const price = (name: 'basePrice' | 'totalPrice'): string | null => {
    try {
      return money(a[name]);
    } catch {
      throw field(name, `a ${name} that is not an amount in tenge (2 decimals at most)`);
    }
  };
  const basePrice = price('basePrice');
  const totalPrice = price('totalPrice');
  if (basePrice === null) throw field('basePrice', 'no basePrice');
  if (basePrice.startsWith('-')) throw field('basePrice', 'a negative basePrice');
  if (totalPrice?.startsWith('-')) throw field('totalPrice', 'a negative totalPrice');
  let entryNumber: number | null = null;
  if (a.entryNumber !== undefined && a.entryNumber !== null) {
    const n = typeof a.entryNumber === 'string' && /^\d+$/.test(a.entryNumber) ? Number(a.entryNumber) : a.entryNumber;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw field('entryNumber', 'an entryNumber that is not a whole number ≥ 0');
    entryNumber = n;
  }
  const rel = obj(obj(obj(resource.relationships).product).data);
  const product = products.get(`${rel.type}/${rel.id}`);
  const offer = obj(a.offer);
  const entryId = str(resource.id) ?? '';
  const productCode = str(offer.code) ?? (product ? str(product.code) : null);
  const productName = str(offer.name) ?? (product ? str(product.name) : null);
  if (!entryId && (!productCode || !productName))
    throw badShopAnswer(`${where} answer`, `has entry ${index} with no id and no offer code and name: its product cannot be read`);
  return {
    entryNumber,
    quantity,
    basePrice,
    // Kaspi's answers of 2026 give no totalPrice: the unit price times the quantity, in integer minor units.
    totalPrice: totalPrice ?? fromMinor(toMinor(basePrice, 2) * BigInt(quantity), 2),
    entryId,
    productId: str(rel.id),
    productCode,
    productName,
    categoryCode: str(obj(a.category).code),
    categoryTitle: str(obj(a.category).title),
  };
}

/** `GET /orderentries/{id}/product`: `{code, name}`. */
export function parseEntryProduct(doc: unknown): { code: string | null; name: string | null } {
  if (!isObj(doc) || !isObj(doc.data)) throw badShopAnswer('entry product answer', `is ${describeBody(doc)}, not a JSON:API resource`);
  const a = obj(doc.data.attributes);
  return { code: str(a.code), name: str(a.name) };
}
