// The slow fallback: DOM selectors seen in Kaspi scrapers (reference/kaspi.md §1.4). Only used when
// neither the embedded item JSON nor JSON-LD names the product, so its cost (a full DOM) is rare.
import { load } from 'cheerio/slim';
import type { ParsedProductPage } from './product-page.parser.js';

export function parseProductDom(html: string): Partial<ParsedProductPage> {
  const $ = load(html);
  const name = $('h1.item__heading').first().text().trim() || undefined;
  if (!name) return {};
  const crumbs = $('div.breadcrumbs a')
    .map((_, a) => $(a).text().trim())
    .get();
  // `<span class="rating _45">` is the rating ×10.
  const ratingClass = $('.item__rating span[class*="rating _"]').first().attr('class') ?? '';
  const ratingTimesTen = /_(\d{1,2})\b/.exec(ratingClass)?.[1];
  const reviewsText = $('a.item__rating-link span').first().text();
  const reviews = /(\d[\d\s\u00a0]*)/.exec(reviewsText)?.[1]?.replace(/\D/g, '');
  const photos = $('img.item__slider-pic')
    .map((_, img) => $(img).attr('data-src') ?? $(img).attr('src'))
    .get();
  const description = $('.item__description-text').first().html()?.trim();
  const priceText = $('.item__price-once').first().text().replace(/\D/g, '');
  return {
    name,
    categoryPath: crumbs,
    photos,
    descriptionHtml: description || undefined,
    pageRating: ratingTimesTen ? Number(ratingTimesTen) / 10 : undefined,
    pageReviewCount: reviews ? Number(reviews) : undefined,
    pagePrice: priceText ? Number(priceText) : undefined,
  };
}
