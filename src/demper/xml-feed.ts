// Kaspi's XML price list (`kaspi_catalog`): element names are case-sensitive (`merchantid`,
// `storeId`, `preOrder`, `stockCount`, `cityId`) and the order inside an offer is model, brand,
// availabilities, price, cityprices (reference kaspi.md §4). Pure: data in, text out, and the check
// of a list against the format as public generators and validators restate Kaspi's guide (no official
// XSD text was found: reference/kaspi-operations.md §3.1), run before a list is written or served.
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

/** Longest SKU the public validators accept (xbatyr kaspi_import.py: 128; the nado doc says 20 alphanumerics). */
export const MAX_SKU_LENGTH = 128;
/** Kaspi's longest preorder, in days. */
export const MAX_PREORDER_DAYS = 30;
/** Kaspi's smallest price, in tenge. */
const MIN_PRICE = 10;

// Characters XML 1.0 does not allow at all (not even escaped): C0 controls but tab, CR, LF; U+FFFE/U+FFFF; lone surrogates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters refused
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The problems that make a price list unfit to hand to Kaspi (empty when it is fit): each names the
 * offer. Checked: company and merchant id; at least one offer; a unique SKU of 1–128 characters; a
 * model; availabilities with `yes`/`no`, a point id `PPn` once each, preOrder 0–30 days, a whole
 * stockCount ≥ 0; a whole price ≥ 10 as `price` and/or one `cityprice` per city (digits); no
 * character XML cannot carry.
 */
export function validateKaspiFeed(feed: Feed): string[] {
  const problems: string[] = [];
  const textOk = (what: string, value: string) => {
    if (NOT_XML_CHAR.test(value)) problems.push(`${what} has a character XML cannot carry`);
  };
  if (!feed.company.trim()) problems.push('company is empty');
  textOk('company', feed.company);
  if (!/^[\w-]{1,64}$/.test(feed.merchantId)) problems.push(`merchantid "${feed.merchantId}" is not a Kaspi merchant id`);
  if (feed.offers.length === 0) problems.push('the list has no offers (an empty list takes every offer off sale)');
  const seen = new Set<string>();
  for (const o of feed.offers) {
    const at = `offer "${o.sku}"`;
    if (o.sku === '' || o.sku.trim() !== o.sku) problems.push(`${at}: sku is empty or has leading/trailing spaces`);
    if (o.sku.length > MAX_SKU_LENGTH) problems.push(`${at}: sku is longer than ${MAX_SKU_LENGTH} characters`);
    if (seen.has(o.sku)) problems.push(`${at}: sku appears twice`);
    seen.add(o.sku);
    textOk(`${at} sku`, o.sku);
    if (!o.model.trim()) problems.push(`${at}: model is empty`);
    textOk(`${at} model`, o.model);
    textOk(`${at} brand`, o.brand);
    if (o.availabilities.length === 0) problems.push(`${at}: no availability`);
    const points = new Set<string>();
    for (const a of o.availabilities) {
      if (a.available !== 'yes' && a.available !== 'no') problems.push(`${at}: available must be yes or no`);
      if (!/^PP[1-9]\d{0,2}$/.test(a.storeId)) problems.push(`${at}: storeId "${a.storeId}" is not a point of sale like PP1`);
      if (points.has(a.storeId)) problems.push(`${at}: storeId ${a.storeId} appears twice`);
      points.add(a.storeId);
      if (a.preOrder !== undefined && !(Number.isInteger(a.preOrder) && a.preOrder >= 0 && a.preOrder <= MAX_PREORDER_DAYS))
        problems.push(`${at}: preOrder ${a.preOrder} is not 0–${MAX_PREORDER_DAYS} days`);
      if (a.stockCount !== undefined && !(Number.isInteger(a.stockCount) && a.stockCount >= 0))
        problems.push(`${at}: stockCount ${a.stockCount} is not a whole number ≥ 0`);
    }
    const prices = [...(o.price === undefined ? [] : [o.price]), ...(o.cityPrices ?? []).map((c) => c.price)];
    if (prices.length === 0) problems.push(`${at}: neither price nor cityprices`);
    for (const p of prices) if (!(Number.isInteger(p) && p >= MIN_PRICE && p < 1e14)) problems.push(`${at}: price ${p} is not whole tenge ≥ ${MIN_PRICE}`);
    const cities = new Set<string>();
    for (const c of o.cityPrices ?? []) {
      if (!/^\d{6,12}$/.test(c.cityId)) problems.push(`${at}: cityId "${c.cityId}" is not a Kaspi city id`);
      if (cities.has(c.cityId)) problems.push(`${at}: cityId ${c.cityId} appears twice`);
      cities.add(c.cityId);
    }
  }
  return problems;
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
