// Builds Kaspi product pages shaped like the real ones (reference/kaspi.md §1): ~400 KB of head
// links, many inline and external scripts, a big navigation menu, the `BACKEND.components.item`
// state in the middle, a server-rendered item block, a footer and a JSON-LD Product. Used by
// fixtures/kaspi/build-fixtures (the committed pages) and by the fake server for the benchmark.

export interface PageSpec {
  id: string;
  cityId?: string;
  title: string;
  brand: string;
  /** Root → leaf (without "Kaspi Магазин"). */
  categoryPath: string[];
  categoryCodes: string[];
  descriptionHtml: string;
  photos: string[];
  /** Card min price; 0 when nobody sells it. */
  price: number;
  rating: number;
  reviewCount: number;
  sellerCount: number;
  specifications?: { group: string; features: [string, string][] }[];
  /** Which sources the page carries (default all three). */
  backend?: boolean;
  jsonLd?: boolean;
  dom?: boolean;
  /** Page length in characters (default ~310k, about 400 KB of UTF-8). */
  targetBytes?: number;
}

const SLUG: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'sch',
  ы: 'y',
  э: 'e',
  ю: 'ju',
  я: 'ja',
  ь: '',
  ъ: '',
};

export function slugify(title: string): string {
  return title
    .toLowerCase()
    .split('')
    .map((c) => SLUG[c] ?? c)
    .join('')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON for inside an inline <script>: `</` becomes `<\/` the way server-side renderers do it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/<\//g, '<\\/');
}

const MENU = [
  ['Телефоны и гаджеты', ['Смартфоны', 'Планшеты', 'Умные часы', 'Наушники', 'Чехлы для смартфонов', 'Зарядные устройства', 'Power bank']],
  ['Бытовая техника', ['Холодильники', 'Стиральные машины', 'Пылесосы', 'Микроволновые печи', 'Кондиционеры', 'Утюги']],
  ['ТВ, Аудио, Видео', ['Телевизоры', 'Саундбары', 'Проекторы', 'Акустика', 'Медиаплееры']],
  ['Компьютеры', ['Ноутбуки', 'Мониторы', 'Клавиатуры', 'Мыши', 'Комплектующие', 'Принтеры']],
  ['Мебель', ['Диваны', 'Кровати', 'Шкафы', 'Столы', 'Стулья', 'Матрасы']],
  ['Красота и здоровье', ['Уход за кожей', 'Парфюмерия', 'Макияж', 'Уход за волосами', 'Витамины']],
  ['Детские товары', ['Игрушки', 'Коляски', 'Подгузники', 'Детское питание', 'Автокресла']],
  ['Одежда', ['Футболки', 'Куртки', 'Платья', 'Джинсы', 'Спортивная одежда']],
  ['Обувь', ['Кроссовки', 'Ботинки', 'Туфли', 'Сандалии']],
  ['Строительство, ремонт', ['Электроинструменты', 'Ручной инструмент', 'Отвертки', 'Сантехника', 'Освещение']],
  ['Спорт, туризм', ['Велосипеды', 'Тренажеры', 'Палатки', 'Самокаты']],
  ['Автотовары', ['Шины', 'Автомасла', 'Видеорегистраторы', 'Аккумуляторы']],
] as const;

function navigation(pad: number): string {
  const parts: string[] = ['<header class="header"><nav class="nav" id="mega-menu"><ul class="nav__list">'];
  let size = 0;
  for (let round = 0; size < pad; round++) {
    for (const [root, leaves] of MENU) {
      const rootSlug = slugify(root);
      let block = `<li class="nav__item nav__item_level-1" data-round="${round}"><a class="nav__link" href="/shop/c/${rootSlug}/">${root}</a><div class="nav__dropdown"><ul class="nav__sub">`;
      for (const leaf of leaves) {
        const leafSlug = slugify(leaf);
        block += `<li class="nav__sub-item"><a class="nav__sub-link" href="/shop/c/${leafSlug}/?c=750000000" data-category-code="${leafSlug}" data-popularity="${(round * 37 + leaf.length * 11) % 997}">${leaf}</a><ul class="nav__brands">`;
        for (const brand of ['Apple', 'Samsung', 'Xiaomi', 'Bosch', 'LG', 'Philips']) {
          block += `<li><a href="/shop/c/${leafSlug}/brand-${brand.toLowerCase()}/" class="nav__brand-link" title="${leaf} ${brand}">${brand}</a></li>`;
        }
        block += '</ul></li>';
      }
      block += '</ul></div></li>';
      parts.push(block);
      size += block.length;
      if (size >= pad) break;
    }
  }
  parts.push('</ul></nav></header>');
  return parts.join('\n');
}

function i18nScript(pad: number): string {
  const dict: Record<string, string> = {};
  for (let i = 0; JSON.stringify(dict).length < pad; i++) {
    dict[`shop.item.label_${i}`] = `Текст интерфейса №${i}: {count} товаров }; в корзине {name}`;
  }
  // Braces and `};` inside strings before the item state: a naive matcher would stop here.
  return `<script>window.I18N = ${scriptJson(dict)};</script>`;
}

function headerComponent(): string {
  const cities = [
    ['750000000', 'Алматы'],
    ['710000000', 'Астана'],
    ['511010000', 'Шымкент'],
    ['351010000', 'Караганда'],
  ].map(([id, name]) => ({ id, name, zoneId: 'Magnum_ZONE1' }));
  return `<script>BACKEND.components.header = ${scriptJson({ cities, searchPlaceholder: 'Поиск по {товарам}', promo: 'Рассрочка 0-0-12 "без переплат"' })};</script>`;
}

function itemState(spec: PageSpec): unknown {
  const crumbs = ['Kaspi Магазин', ...spec.categoryPath];
  return {
    card: {
      id: spec.id,
      title: spec.title,
      categoryId: spec.categoryCodes[0] ?? '00000',
      price: spec.price,
      discount: 0,
      unitPriceBeforeDiscount: 0,
      stickers: null,
      currency: 'KZT',
      shopLink: `/shop/p/${slugify(spec.title)}-${spec.id}/`,
      rating: spec.rating,
      reviewsQuantity: spec.reviewCount,
      offersCount: spec.sellerCount,
      promoConditions: {
        brand: spec.brand,
        categoryCodes: [...spec.categoryCodes, 'Categories'],
        baseProductCodes: [],
        groups: null,
        productSeries: [],
      },
    },
    breadcrumbs: crumbs.map((title, i) => ({ title, link: i === 0 ? '/shop/' : `/shop/c/${slugify(title)}/` })),
    description: spec.descriptionHtml,
    specifications: (spec.specifications ?? []).map((g, gi) => ({
      code: `group_${gi}`,
      name: g.group,
      position: gi + 1,
      features: g.features.map(([name, value], fi) => ({
        code: `feature_${gi}_${fi}`,
        name,
        type: 'STRING',
        multiValued: false,
        visible: true,
        position: fi + 1,
        featureValues: [{ value }],
      })),
    })),
    primaryImage: spec.photos[0] ? { large: spec.photos[0], medium: spec.photos[0].replace('gallery-large', 'gallery-medium') } : null,
    galleryImages: spec.photos.map((large) => ({
      small: large.replace('gallery-large', 'gallery-small'),
      medium: large.replace('gallery-large', 'gallery-medium'),
      large,
      location: large.split('?')[0],
    })),
    videoId: null,
    endpoint: `/yml/offer-view/offers/${spec.id}`,
  };
}

function jsonLd(spec: PageSpec, url: string): unknown {
  return {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: spec.title,
    sku: spec.id,
    description: spec.descriptionHtml,
    category: spec.categoryPath.join('/'),
    brand: { '@type': 'Brand', name: spec.brand },
    image: spec.photos,
    url,
    ...(spec.reviewCount ? { aggregateRating: { '@type': 'AggregateRating', ratingValue: spec.rating, reviewCount: spec.reviewCount } } : {}),
    ...(spec.sellerCount
      ? {
          offers: {
            '@type': 'AggregateOffer',
            priceCurrency: 'KZT',
            lowPrice: spec.price,
            offerCount: spec.sellerCount,
            availability: 'https://schema.org/InStock',
          },
        }
      : {}),
  };
}

function itemDom(spec: PageSpec): string {
  const crumbs = ['Kaspi Магазин', ...spec.categoryPath]
    .map((t) => `<a class="breadcrumbs__item" href="/shop/c/${slugify(t)}/">${escapeHtml(t)}</a>`)
    .join('<span class="breadcrumbs__sep">/</span>');
  const slides = spec.photos
    .map((p) => `<li class="item__slider-thumb"><img class="item__slider-pic" src="${escapeHtml(p)}" alt="${escapeHtml(spec.title)}"></li>`)
    .join('');
  const specs = (spec.specifications ?? [])
    .map(
      (g) =>
        `<div class="specifications__group"><h3>${escapeHtml(g.group)}</h3><dl>${g.features.map(([n, v]) => `<dt>${escapeHtml(n)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl></div>`,
    )
    .join('');
  return `<main class="item" id="item-root">
<div class="breadcrumbs">${crumbs}</div>
<div class="item__inner"><div class="item__gallery"><ul class="item__slider">${slides}</ul></div>
<div class="item__info"><h1 class="item__heading">${escapeHtml(spec.title)}</h1>
<div class="item__rating"><span class="rating _${Math.round(spec.rating * 10)}"></span><a class="item__rating-link" href="#reviews"><span>(${spec.reviewCount} отзывов)</span></a></div>
<div class="item__price"><div class="item__price-once">${spec.price ? `${spec.price.toLocaleString('ru-RU')} ₸` : 'Нет в наличии'}</div></div>
<div class="sellers-table" id="offers-root"><!-- rendered on the client from /yml/offer-view/offers --></div></div></div>
<div class="item__description"><div class="item__description-text">${spec.descriptionHtml}</div></div>
<div class="specifications">${specs}</div>
</main>`;
}

function footer(): string {
  const cols = ['Покупателям', 'Продавцам', 'Kaspi.kz', 'Помощь'];
  const links = cols
    .map(
      (c, i) =>
        `<div class="footer__col"><h4>${c}</h4><ul>${Array.from({ length: 24 }, (_, j) => `<li><a href="/info/${i}-${j}/">Раздел ${i}.${j}</a></li>`).join('')}</ul></div>`,
    )
    .join('');
  return `<footer class="footer">${links}<p class="footer__copy">© 2008–2026 Kaspi.kz</p></footer>`;
}

function externalScripts(n: number, prefix: string): string {
  return Array.from(
    { length: n },
    (_, i) => `<script src="https://ks-static.cdn-kaspi.kz/shop/${prefix}-${i}.${(i * 2654435761) % 1e8}.js" defer crossorigin="anonymous"></script>`,
  ).join('\n');
}

/** The full HTML of one product page. */
export function buildProductPage(spec: PageSpec): string {
  const city = spec.cityId ?? '750000000';
  const url = `https://kaspi.kz/shop/p/${slugify(spec.title)}-${spec.id}/`;
  // Characters, not bytes: Cyrillic text takes two bytes, so ~310k characters is ~400 KB on the wire.
  const target = spec.targetBytes ?? 310_000;
  const withBackend = spec.backend ?? true;
  const withLd = spec.jsonLd ?? true;
  const withDom = spec.dom ?? true;
  const head = `<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8">
<title>${escapeHtml(spec.title)} купить в Алматы — Kaspi Магазин</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="${escapeHtml(`${spec.title}: цены, отзывы, характеристики. Рассрочка 0-0-12.`)}">
<meta property="og:title" content="${escapeHtml(spec.title)}">
${spec.photos[0] ? `<meta property="og:image" content="${escapeHtml(spec.photos[0])}">` : ''}
<meta property="og:url" content="${url}">
<link rel="canonical" href="${url}">
${Array.from({ length: 20 }, (_, i) => `<link rel="preload" as="font" href="https://ks-static.cdn-kaspi.kz/fonts/font-${i}.woff2" crossorigin>`).join('\n')}
<link rel="stylesheet" href="https://ks-static.cdn-kaspi.kz/shop/app.css">
${externalScripts(12, 'vendor')}
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({"event":"pageView","pageType":"product","productId":"${spec.id}","cityId":"${city}"});</script>
<script>var BACKEND = window.BACKEND || {}; BACKEND.components = BACKEND.components || {}; BACKEND.state = BACKEND.state || {};</script>
<script>function hydrate(){ if (BACKEND.components.item) { window.__ITEM__ = BACKEND.components.item; } }</script>
</head><body class="page page_product">`;
  const fixed = head.length + 20_000;
  const remaining = Math.max(0, target - fixed - JSON.stringify(itemState(spec)).length * (withBackend ? 1 : 0));
  const parts = [
    head,
    headerComponent(),
    navigation(Math.floor(remaining * 0.55)),
    i18nScript(Math.floor(remaining * 0.3)),
    withDom ? itemDom(spec) : '<main class="item" id="item-root"><div class="item__placeholder"></div></main>',
    withBackend ? `<script>BACKEND.state.productId = "${spec.id}";</script>` : '',
    withBackend ? `<script>BACKEND.components.item = ${scriptJson(itemState(spec))};\n</script>` : '',
    externalScripts(10, 'chunk'),
    `<script>BACKEND.components.footer = ${scriptJson({ year: 2026, links: ['/info/'], note: 'braces } and { and }; in a string' })};</script>`,
    footer(),
    withLd ? `<script type="application/ld+json">${scriptJson(jsonLd(spec, url))}</script>` : '',
    `<script type="application/ld+json">${scriptJson({ '@context': 'https://schema.org', '@type': 'BreadcrumbList', itemListElement: [] })}</script>`,
    '<script>window.__APP_READY__ = true;</script>',
    '</body></html>',
  ];
  let html = parts.join('\n');
  if (html.length < target) html = html.replace('</body>', `<!-- ${'·'.repeat(Math.max(0, target - html.length - 20))} --></body>`);
  return html;
}
