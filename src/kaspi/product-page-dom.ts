// The page's own markup (reference/kaspi.md §1.4): the rating block, read on every page whose JSON
// sources lack a rating (a string scan of a few hundred bytes), and the slow full-DOM fallback
// (cheerio), used only when neither the embedded item JSON nor JSON-LD names the product.
import { load } from 'cheerio/slim';
import { type PageSource, sliceText } from './embedded-json.js';
import { decodeEntities } from './html-text.js';
import { categoryPath, type PartialFields } from './product-page-sources.js';

const RATING_BLOCK = 'class="item__rating"';

/**
 * The product's rating block: `<div class="item__rating"><span class="rating _49"></span>&nbsp;<a
 * class="item__rating-link"><span>(85 отзывов)</span></a></div>` (the class is the rating ×10). A
 * product nobody has rated shows `rating _0` and no link: rating 0 and 0 reviews, as the reviews API
 * says for it. Nothing when the page has no such block.
 */
export function scanRatingBlock(html: PageSource): Pick<PartialFields, 'pageRating' | 'pageReviewCount'> {
  const at = html.indexOf(RATING_BLOCK);
  if (at < 0) return {};
  const chunk = sliceText(html, at, at + 1_000);
  const block = chunk.slice(0, blockEnd(chunk));
  const tenths = /class="rating _(\d{1,2})"/.exec(block)?.[1];
  const rating = tenths !== undefined && Number(tenths) <= 50 ? Number(tenths) / 10 : undefined;
  const link = /class="item__rating-link"[^>]*>([\s\S]*?)<\/a>/.exec(block)?.[1];
  const count = link === undefined ? undefined : firstNumber(decodeEntities(link.replace(/<[^>]*>/g, '')));
  if (link === undefined && rating === 0) return { pageRating: 0, pageReviewCount: 0 };
  return { ...(rating !== undefined ? { pageRating: rating } : {}), ...(count !== undefined ? { pageReviewCount: count } : {}) };
}

/** Where the rating block's own `</div>` is (it holds spans and one link, no nested div). */
function blockEnd(chunk: string): number {
  const end = chunk.indexOf('</div>');
  return end < 0 ? chunk.length : end;
}

/** "(1 234 отзыва)" → 1234 (spaces, no-break spaces and thin spaces group thousands). */
function firstNumber(text: string): number | undefined {
  const digits = /\d[\d\s\u00a0\u202f]*/.exec(text)?.[0].replace(/\D/g, '');
  return digits ? Number(digits) : undefined;
}

function unescapeNonAscii(whole: string, hex: string): string {
  const code = Number.parseInt(hex, 16);
  return code > 0x7f && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
}

export function parseProductDom(html: string): PartialFields {
  const $ = load(html);
  const name = $('h1.item__heading').first().text().trim() || undefined;
  if (!name) return {};
  const crumbs = $('div.breadcrumbs a')
    .map((_, a) => $(a).text().trim())
    .get();
  const photos = $('img.item__slider-pic')
    .map((_, img) => $(img).attr('data-src') ?? $(img).attr('src'))
    .get();
  // Real pages keep the description in the description tab (`#description .description`); the
  // block under the price holds the short specifications list, so only text there counts.
  const description = [$('#description .description').first(), $('.item__description-text').first()].find((d) => d.text().trim());
  // cheerio writes every non-ASCII character as `&#x…;`: back to the characters the page had.
  const descriptionHtml =
    description
      ?.html()
      ?.trim()
      .replace(/&#x([0-9a-f]+);/gi, unescapeNonAscii) || undefined;
  const priceText = $('.item__price-once').first().text().replace(/\D/g, '');
  const sku = /(\d{3,}[a-z]?)\s*$/i.exec($('.item__sku').first().text().trim())?.[1];
  return {
    ...(sku ? { id: sku.toLowerCase() } : {}),
    name,
    categoryPath: categoryPath(crumbs),
    photos,
    descriptionHtml,
    ...scanRatingBlock(html),
    pagePrice: priceText && Number(priceText) > 0 ? Number(priceText) : undefined,
  };
}
