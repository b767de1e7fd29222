// Pure parsers for the feedbacks, content (cards) and analytics (stocks report) responses.

import { UserError } from '../core/errors.js';
import type { WbCardSize } from '../db/schema/wb.js';
import { str } from './statistics-parser.js';
import { parseWbTime } from './wb-time.js';

export interface ParsedReview {
  review_id: string;
  nm_id: string;
  rating: number;
  text: string | null;
  pros: string | null;
  cons: string | null;
  user_name: string | null;
  product_name: string | null;
  supplier_article: string | null;
  size: string | null;
  is_answered: boolean;
  answer_text: string | null;
  created_date: Date;
}

/** `GET /api/v1/feedbacks` → reviews; the rating is `productValuation`. */
export function parseFeedbacksPage(body: unknown, isAnswered: boolean): ParsedReview[] {
  const data = (body as { data?: { feedbacks?: unknown } } | null)?.data;
  if ((body as { error?: boolean })?.error) {
    throw new UserError('WB_BAD_RESPONSE', `Wildberries feedbacks error: ${String((body as { errorText?: unknown }).errorText)}`);
  }
  if (!data || !Array.isArray(data.feedbacks)) throw new UserError('WB_BAD_RESPONSE', 'Wildberries feedbacks response has no data.feedbacks array');
  return data.feedbacks.map((item) => {
    const r = item as Record<string, unknown>;
    const details = (r.productDetails ?? {}) as Record<string, unknown>;
    const answer = r.answer as { text?: unknown } | null | undefined;
    const id = str(r.id);
    if (!id) throw new UserError('WB_BAD_RESPONSE', 'a Wildberries review has no id');
    const rating = r.productValuation;
    if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5)
      throw new UserError(
        'WB_BAD_RESPONSE',
        `Wildberries review ${id} has productValuation = ${JSON.stringify(rating) ?? 'missing'}, not 1 to 5: nothing was stored; try again later`,
      );
    return {
      review_id: id,
      nm_id: String(details.nmId ?? 0),
      rating,
      text: str(r.text),
      pros: str(r.pros),
      cons: str(r.cons),
      user_name: str(r.userName),
      product_name: str(details.productName),
      supplier_article: str(details.supplierArticle),
      size: str(details.size),
      is_answered: isAnswered || Boolean(answer?.text),
      answer_text: str(answer?.text),
      created_date: parseWbTime(String(r.createdDate)),
    };
  });
}

export interface ParsedCard {
  nm_id: string;
  imt_id: string | null;
  vendor_code: string | null;
  brand: string | null;
  title: string | null;
  subject_name: string | null;
  photo_url: string | null;
  sizes: WbCardSize[];
  card_updated_at: Date | null;
}

export interface CardsPage {
  cards: ParsedCard[];
  cursor: { updatedAt?: string; nmID?: number; total: number };
}

/** `POST /content/v2/get/cards/list` → cards with their first photo (big) and sizes. */
export function parseCardsPage(body: unknown): CardsPage {
  const b = body as { cards?: unknown; cursor?: { updatedAt?: string; nmID?: number; total?: number } } | null;
  if (!b || !Array.isArray(b.cards)) throw new UserError('WB_BAD_RESPONSE', 'Wildberries cards response has no cards array');
  const cards = b.cards.map((item) => {
    const r = item as Record<string, unknown>;
    if (!isId(r.nmID))
      throw new UserError('WB_BAD_RESPONSE', `a Wildberries card has nmID = ${JSON.stringify(r.nmID) ?? 'missing'}: nothing was stored; try again later`);
    const photos = Array.isArray(r.photos) ? (r.photos as Record<string, unknown>[]) : [];
    const first = photos[0];
    const sizes = Array.isArray(r.sizes) ? (r.sizes as Record<string, unknown>[]) : [];
    return {
      nm_id: String(r.nmID),
      imt_id: r.imtID === undefined ? null : String(r.imtID),
      vendor_code: str(r.vendorCode),
      brand: str(r.brand),
      title: str(r.title),
      subject_name: str(r.subjectName),
      photo_url: first ? str(first.big ?? first.c516x688 ?? first.square) : null,
      sizes: sizes.map((s) => ({
        chrtID: Number(s.chrtID),
        techSize: String(s.techSize ?? ''),
        wbSize: s.wbSize === undefined ? undefined : String(s.wbSize),
        skus: Array.isArray(s.skus) ? s.skus.map(String) : [],
      })),
      card_updated_at: typeof r.updatedAt === 'string' ? parseWbTime(r.updatedAt) : null,
    };
  });
  return { cards, cursor: { updatedAt: b.cursor?.updatedAt, nmID: b.cursor?.nmID, total: Number(b.cursor?.total ?? cards.length) } };
}

export interface ParsedStock {
  nm_id: string;
  chrt_id: string;
  warehouse_id: string;
  warehouse_name: string;
  region_name: string | null;
  quantity: number;
  in_way_to_client: number;
  in_way_from_client: number;
}

/** `POST /api/analytics/v1/stocks-report/wb-warehouses` → one row per size (chrtId) and warehouse. */
export function parseStocksReport(body: unknown): ParsedStock[] {
  const items = (body as { data?: { items?: unknown } } | null)?.data?.items;
  if (!Array.isArray(items)) throw new UserError('WB_BAD_RESPONSE', 'Wildberries stocks report has no data.items array');
  return items.map((item) => {
    const r = item as Record<string, unknown>;
    if (!isId(r.nmId) || !isId(r.chrtId))
      throw new UserError('WB_BAD_RESPONSE', 'a Wildberries stocks row has no nmId or chrtId: nothing was stored; try again later');
    return {
      nm_id: String(r.nmId),
      chrt_id: String(r.chrtId),
      warehouse_id: String(r.warehouseId),
      warehouse_name: String(r.warehouseName ?? ''),
      region_name: str(r.regionName),
      quantity: count(r, 'quantity'),
      in_way_to_client: count(r, 'inWayToClient'),
      in_way_from_client: count(r, 'inWayFromClient'),
    };
  });
}

/** A WB id: a whole number, or digits as text. */
function isId(v: unknown): boolean {
  return (typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && /^\d{1,18}$/.test(v));
}

/** A count in a stocks row: a whole number ≥ 0 (missing or null is 0), else WB_BAD_RESPONSE. */
function count(r: Record<string, unknown>, field: string): number {
  const v = r[field];
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  throw new UserError(
    'WB_BAD_RESPONSE',
    `a Wildberries stocks row (nmId ${String(r.nmId)}) has ${field} = ${JSON.stringify(v)?.slice(0, 40)}, not a count: nothing was stored; try again later`,
  );
}
