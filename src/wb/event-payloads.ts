// What a notification needs, built from a synced row plus its card (name, photo). Pure.

import type { ParsedReview } from './content-parser.js';
import type { NewEvent } from './event.repository.js';
import type { ParsedOrder, ParsedSale } from './statistics-parser.js';

export interface CardInfo {
  title: string | null;
  vendor_code: string | null;
  brand: string | null;
  subject_name: string | null;
  photo_url: string | null;
}

type Row = ParsedOrder | ParsedSale;

function product(row: Row, card: CardInfo | undefined) {
  return {
    srid: row.srid,
    nmId: Number(row.nm_id),
    article: row.supplier_article,
    name: card?.title ?? row.subject,
    brand: row.brand ?? card?.brand ?? null,
    photoUrl: card?.photo_url ?? null,
    size: row.tech_size,
    warehouse: row.warehouse_name,
    region: row.region_name,
    prices: {
      totalPrice: row.total_price,
      discountPercent: row.discount_percent,
      spp: row.spp,
      finishedPrice: row.finished_price,
      priceWithDisc: row.price_with_disc,
    },
  };
}

export function newOrderEvent(o: ParsedOrder, card: CardInfo | undefined): NewEvent {
  return { type: 'new_order', eventKey: o.srid, occurredAt: o.order_date, payload: { ...product(o, card), gNumber: o.g_number, orderDate: o.order_date } };
}

export function cancellationEvent(o: ParsedOrder, card: CardInfo | undefined): NewEvent {
  const at = o.cancel_date ?? o.last_change_date;
  return {
    type: 'cancellation',
    eventKey: o.srid,
    occurredAt: at,
    payload: { ...product(o, card), gNumber: o.g_number, orderDate: o.order_date, cancelDate: at },
  };
}

export function saleEvent(s: ParsedSale, card: CardInfo | undefined): NewEvent | undefined {
  if (s.kind === 'other') return undefined;
  return {
    type: s.kind === 'buyout' ? 'buyout' : 'return',
    eventKey: s.sale_id,
    occurredAt: s.sale_date,
    payload: { ...product(s, card), saleId: s.sale_id, saleDate: s.sale_date, forPay: s.for_pay, paymentSaleAmount: s.payment_sale_amount },
  };
}

export function reviewEvent(r: ParsedReview, card: CardInfo | undefined): NewEvent {
  return {
    type: 'new_review',
    eventKey: r.review_id,
    occurredAt: r.created_date,
    payload: {
      reviewId: r.review_id,
      nmId: Number(r.nm_id),
      rating: r.rating,
      text: r.text,
      pros: r.pros,
      cons: r.cons,
      userName: r.user_name,
      name: r.product_name ?? card?.title ?? null,
      article: r.supplier_article ?? card?.vendor_code ?? null,
      size: r.size,
      photoUrl: card?.photo_url ?? null,
      createdDate: r.created_date,
    },
  };
}

/** Replaces per-event rows after a long gap: one summary with counts per type. */
export function syncGapEvent(stream: string, key: string, events: readonly NewEvent[], lastSuccessAt: Date, now: Date): NewEvent {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return { type: 'sync_gap', eventKey: key, occurredAt: now, payload: { stream, counts, lastSuccessAt, syncedAt: now } };
}
