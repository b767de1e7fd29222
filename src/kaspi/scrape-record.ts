// The JSON shape of a scraped product: NDJSON lines of `mp kaspi scrape --json` and the export files.
import type { KaspiOffer } from './offers.parser.js';
import type { ScrapeFailure, ScrapeSuccess } from './scrape.service.js';
import type { ProductFields, ProductRow } from './snapshot-diff.js';

function productJson(kaspiId: string, cityId: string, f: ProductFields, checkedAt: Date) {
  return {
    id: kaspiId,
    city_id: cityId,
    url: f.url,
    name: f.name,
    description_text: f.descriptionText,
    description_html: f.descriptionHtml,
    category: f.category,
    category_path: f.categoryPath,
    brand: f.brand,
    min_price: f.minPrice,
    max_price: f.maxPrice,
    rating: f.rating,
    review_count: f.reviewCount,
    seller_count: f.sellerCount,
    offers_status: f.offersStatus,
    photos: f.photos,
    incomplete_fields: f.incompleteFields,
    checked_at: checkedAt.toISOString(),
  };
}

export function offerJson(o: KaspiOffer) {
  return {
    merchant_id: o.merchantId,
    merchant_name: o.merchantName,
    price: o.price,
    merchant_rating: o.merchantRating,
    merchant_review_count: o.merchantReviewCount,
    delivery_type: o.deliveryType,
    delivery_duration: o.deliveryDuration,
    kaspi_delivery: o.kaspiDelivery,
    preorder_days: o.preorderDays,
  };
}

/**
 * The product as stored now, with the offers read (null when unknown; Kaspi's partial list when
 * `offers_status` is 'incomplete', the stored product then keeping its last complete offers): the
 * per-product export file.
 */
export function productExport(r: ScrapeSuccess) {
  return {
    ...productJson(r.target.id, r.target.city, r.saved.fields, r.saved.checkedAt),
    offers: r.offers?.map(offerJson) ?? null,
    offers_total: r.offersTotal,
  };
}

/** One NDJSON line: the product, its offers, and what changed since the last check. */
export function successRecord(r: ScrapeSuccess) {
  return {
    ok: true,
    ...productExport(r),
    changes: {
      first_seen: r.saved.created,
      fields: r.saved.changed,
      offers: r.saved.offerEvents.map((e) => ({ event: e.event, merchant_id: e.merchantId, old_price: e.oldPrice, new_price: e.newPrice })),
    },
    complete: r.complete,
    warnings: r.warnings,
  };
}

export function failureRecord(r: ScrapeFailure) {
  return { ok: false, input: r.target.input, id: r.target.id ?? null, city_id: r.target.city ?? null, error: { code: r.code, message: r.message } };
}

/** A stored product for `products.json`. */
export function storedProductJson(row: ProductRow) {
  return {
    ...productJson(
      row.kaspi_id,
      row.city_id,
      {
        name: row.name,
        descriptionText: row.description_text,
        descriptionHtml: row.description_html,
        category: row.category,
        categoryPath: row.category_path,
        brand: row.brand,
        minPrice: row.min_price,
        maxPrice: row.max_price,
        rating: row.rating,
        reviewCount: row.review_count,
        sellerCount: row.seller_count,
        offersStatus: row.offers_status,
        photos: row.photos,
        url: row.url,
        incompleteFields: row.incomplete_fields,
      },
      row.last_checked_at,
    ),
    first_seen_at: row.first_seen_at.toISOString(),
    last_changed_at: row.last_changed_at.toISOString(),
  };
}
