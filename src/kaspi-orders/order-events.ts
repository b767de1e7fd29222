// What an orders sync tells a seller: a new order, a cancellation, a return — decided by comparing
// each order Kaspi returned with the status stored before this window was written (pure). The
// events are written in the window's transaction (sync.service.ts); none on a store's first sync.
import type { ShopEntry, ShopOrder } from '../kaspi/merchant/shop-api.parser.js';
import type { NewKaspiEvent } from '../notify/kaspi-events.repository.js';

/** Statuses of an order cancelled (or being cancelled): it counts as cancelled once. */
export const CANCELLED_STATUSES = ['CANCELLED', 'CANCELLING'] as const;
/** Statuses of an order on its way back, or back. */
export const RETURN_STATUSES = ['KASPI_DELIVERY_RETURN_REQUESTED', 'RETURN_ACCEPTED_BY_MERCHANT', 'RETURNED'] as const;

const isCancelled = (s: string | undefined) => s !== undefined && (CANCELLED_STATUSES as readonly string[]).includes(s);
const isReturn = (s: string | undefined) => s !== undefined && (RETURN_STATUSES as readonly string[]).includes(s);

/**
 * An order first seen this long after its creation is history, not news (the rest of an
 * interrupted first sync, a window read late): it is stored without an alert.
 */
export const NEW_ORDER_MAX_AGE_MS = 3 * 86_400_000;

function payload(o: ShopOrder, entries: ShopEntry[] | undefined, previous?: string): Record<string, unknown> {
  return {
    orderId: o.id,
    code: o.code,
    status: o.status,
    ...(previous ? { previousStatus: previous } : {}),
    state: o.state,
    total: o.totalPrice,
    city: o.city,
    deliveryMode: o.deliveryMode,
    createdAt: o.createdAt,
    ...(entries ? { products: entries.map((e) => ({ code: e.productCode, name: e.productName, quantity: e.quantity })) } : {}),
  };
}

/**
 * The events of one window: `before` holds the status stored before the window is written (absent:
 * a new order), `entries` the entries read for the orders that changed. An order first seen
 * cancelled (or returned) is one cancellation (return), not a new order as well; one that goes from
 * CANCELLING to CANCELLED is not cancelled twice (the dedup key is the order's).
 */
export function orderEvents(orders: ShopOrder[], before: Map<string, string>, entries: Map<string, ShopEntry[]>, now: Date): NewKaspiEvent[] {
  const out: NewKaspiEvent[] = [];
  for (const o of orders) {
    const previous = before.get(o.id);
    const known = before.has(o.id);
    if (previous === o.status) continue;
    // An order never seen before that is days old is history, whatever its status.
    if (!known && now.getTime() - o.createdAt.getTime() > NEW_ORDER_MAX_AGE_MS) continue;
    if (isCancelled(o.status) && !isCancelled(previous)) {
      out.push({ type: 'cancellation', eventKey: o.id, occurredAt: now, payload: payload(o, entries.get(o.id), previous) });
    } else if (isReturn(o.status) && !isReturn(previous)) {
      out.push({ type: 'return', eventKey: o.id, occurredAt: now, payload: payload(o, entries.get(o.id), previous) });
    } else if (!known) {
      out.push({ type: 'new_order', eventKey: o.id, occurredAt: o.createdAt, payload: payload(o, entries.get(o.id)) });
    }
  }
  return out;
}
