// Kaspi's XML price list (`kaspi_catalog`): element names are case-sensitive (`merchantid`,
// `storeId`, `preOrder`, `stockCount`, `cityId`) and the order inside an offer is model, brand,
// availabilities, price, cityprices (reference kaspi.md §4). Pure: data in, text out.
import { ALMATY, zonedParts, zoneOffsetMinutes } from '../core/time.js';

export interface FeedAvailability {
  /** The bare point id as Kaspi's XML wants it: `PP1`, not `<uid>_PP1`. */
  storeId: string;
  available: 'yes' | 'no';
  preOrder?: number;
  stockCount?: number;
}

export interface FeedOffer {
  sku: string;
  model: string;
  brand: string;
  availabilities: FeedAvailability[];
  price?: number;
  cityPrices?: { cityId: string; price: number }[];
}

export interface Feed {
  company: string;
  merchantId: string;
  date: Date;
  offers: FeedOffer[];
}

/** Builds the XML text of a price list. */
export function buildKaspiFeed(feed: Feed): string {
  const out: string[] = [];
  out.push(`<?xml version='1.0' encoding='utf-8'?>`);
  out.push(
    `<kaspi_catalog date="${almatyIso(feed.date)}" xmlns="kaspiShopping" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="kaspiShopping http://kaspi.kz/kaspishopping.xsd">`,
  );
  out.push(`  <company>${esc(feed.company)}</company>`);
  out.push(`  <merchantid>${esc(feed.merchantId)}</merchantid>`);
  out.push('  <offers>');
  for (const o of feed.offers) {
    out.push(`    <offer sku="${esc(o.sku)}">`);
    out.push(`      <model>${esc(o.model)}</model>`);
    out.push(`      <brand>${esc(o.brand)}</brand>`);
    out.push('      <availabilities>');
    for (const a of o.availabilities) {
      const attrs = [`available="${a.available}"`, `storeId="${esc(a.storeId)}"`];
      if (a.preOrder !== undefined) attrs.push(`preOrder="${Math.trunc(a.preOrder)}"`);
      if (a.stockCount !== undefined) attrs.push(`stockCount="${Math.trunc(a.stockCount)}"`);
      out.push(`        <availability ${attrs.join(' ')}/>`);
    }
    out.push('      </availabilities>');
    if (o.price !== undefined) out.push(`      <price>${Math.trunc(o.price)}</price>`);
    if (o.cityPrices && o.cityPrices.length > 0) {
      out.push('      <cityprices>');
      for (const c of o.cityPrices) out.push(`        <cityprice cityId="${esc(c.cityId)}">${Math.trunc(c.price)}</cityprice>`);
      out.push('      </cityprices>');
    }
    out.push('    </offer>');
  }
  out.push('  </offers>');
  out.push('</kaspi_catalog>');
  return `${out.join('\n')}\n`;
}

/** `2026-09-21T10:00:00+05:00`: the catalogue date in Almaty time with its offset. */
function almatyIso(date: Date): string {
  const p = zonedParts(date, ALMATY);
  const off = zoneOffsetMinutes(date, ALMATY);
  const two = (n: number) => String(n).padStart(2, '0');
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Why a new price list must not replace the previous one, or undefined when it may. */
export function feedGuard(newCount: number, previousCount: number | undefined, maxDropPct = 20): string | undefined {
  // An empty catalogue removes every offer from sale.
  if (newCount === 0) return 'the price list would be empty, which removes every offer from sale';
  if (previousCount !== undefined && previousCount > 0 && newCount < previousCount * (1 - maxDropPct / 100)) {
    return `the price list has ${newCount} offers, ${Math.round((1 - newCount / previousCount) * 100)}% fewer than the previous one (${previousCount}); more than ${maxDropPct}% dropped`;
  }
  return undefined;
}
