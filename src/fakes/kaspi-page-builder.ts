// Builds Kaspi product pages shaped like the real ones (fixtures/kaspi/real/, trimmed real captures):
// ~400 KB of head links, many inline and external scripts, a big navigation menu, the
// `BACKEND.components.item` state with the keys real pages carry (card without rating or seller
// count, `shopLink` relative to /shop/, `price` only while someone sells it, breadcrumbs with ids,
// `description` null or HTML), the item markup (breadcrumbs, slider, heading, `rating _NN` block,
// price), a footer, and the JSON-LD blocks real pages have (Organization, a Product whose `offers`
// start with an empty AggregateOffer, a BreadcrumbList). test/kaspi/fake-conformance.test.ts holds
// these pages against the real captures. Used by build-kaspi-fixtures (the committed pages) and by
// the fake server for the benchmark.

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

/** The category codes (English ids, root last) and the titles (root first) as one list of crumbs, root first. */
function crumbs(spec: PageSpec): { title: string; code: string }[] {
  const codes = [...spec.categoryCodes].reverse();
  return spec.categoryPath.map((title, i) => ({ title, code: codes[i] ?? slugify(title) }));
}

function itemState(spec: PageSpec): unknown {
  const city = spec.cityId ?? '750000000';
  const slug = `${slugify(spec.title)}-${spec.id}`;
  const path = crumbs(spec);
  const leaf = path.at(-1);
  return {
    card: {
      id: spec.id,
      title: spec.title,
      createdTime: '2024-07-11T15:42:33.289+00:00',
      // Relative to /shop/, as real pages give it.
      shopLink: `/p/${slug}/`,
      categoryId: '05818',
      currency: '',
      reviewsLink: `/shop/p/${slug}/?c=${city}&v=reviews`,
      buttonInCart: { title: 'Перейти в корзину', description: 'Товар в корзине' },
      maxQuantity: 20,
      unit: { code: 'pieces', type: 'PIECES', measurementLiteral: 'шт.', countingLiteral: 'шт', increment: 1 },
      promoConditions: {
        brand: spec.brand,
        categoryCodes: [...spec.categoryCodes, 'Categories'],
        baseProductCodes: [`[Master - ${spec.categoryCodes[0] ?? 'Other'}][${slugify(spec.brand)}]{${spec.id}}`],
        groups: null,
      },
      stickers: null,
      // Real pages of a product nobody sells have no price key at all.
      ...(spec.price > 0 ? { price: spec.price } : {}),
      discount: 0,
      unitPriceBeforeDiscount: 0,
    },
    videoId: null,
    galleryImages: spec.photos.map((large) => ({
      small: large.replace('gallery-large', 'gallery-small'),
      medium: large.replace('gallery-large', 'gallery-medium'),
      large,
      location: large.split('/img/m/p/')[1]?.split('?')[0] ?? large,
      verified: null,
      infographics: false,
    })),
    endpoint: 'https://kaspi.kz/shop/rest/misc/product/mobile',
    productNavigation: leaf
      ? [
          {
            code: 'allFromCategoryLink',
            title: leaf.title,
            subtitle: 'Все товары из категории ',
            link: `/shop/c/${encodeURIComponent(leaf.code.toLowerCase())}/all/`,
          },
        ]
      : [],
    breadcrumbs: [
      { title: 'Kaspi Магазин', link: '/shop/c/categories/', id: 'Categories' },
      ...path.map((c) => ({ title: c.title, link: `/shop/c/${encodeURIComponent(c.code.toLowerCase())}/`, id: c.code })),
    ],
    description: spec.descriptionHtml || null,
    specifications: (spec.specifications ?? []).map((g, gi) => ({
      code: `group_${gi}`,
      name: g.group,
      features: g.features.map(([name, value], fi) => ({
        code: `feature_${gi}_${fi}`,
        name,
        description: null,
        type: 'STRING',
        featureValues: [{ value }],
        mandatory: true,
        position: fi + 1,
        visible: true,
        multiValued: false,
      })),
      position: gi,
    })),
    sizeTableCode: null,
    certificate: null,
    richContent: null,
    videos: null,
    teasers: null,
  };
}

/** The JSON-LD blocks of a real page: the shop, the Product, the breadcrumbs. */
function jsonLdBlocks(spec: PageSpec, withProduct: boolean): unknown[] {
  const organization = { '@context': 'http://schema.org', '@type': 'Organization', name: 'Kaspi Магазин', url: 'https://kaspi.kz/shop/' };
  const product = {
    '@context': 'https://schema.org',
    '@type': 'Product',
    id: spec.id,
    productID: spec.id,
    // Plain text on real pages ("" when there is no description).
    description: spec.descriptionHtml
      ? ` ${spec.descriptionHtml
          .replace(/<[^>]*>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()}`
      : '',
    image: spec.photos[0] ?? '',
    brand: spec.brand,
    name: spec.title,
    sku: spec.id,
    category: spec.categoryPath.at(-1) ?? '',
    // An empty AggregateOffer first; the price is in the Offer ("undefined" when nobody sells it).
    offers: [
      { '@type': 'AggregateOffer', lowPrice: null },
      {
        '@type': 'Offer',
        price: spec.price > 0 ? String(spec.price) : 'undefined',
        priceCurrency: 'KZT',
        availability: spec.price > 0 ? 'InStock' : 'OutOfStock',
      },
    ],
  };
  const list = {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: [{ title: 'Kaspi Магазин', code: '' }, ...crumbs(spec)].map((c, i) => ({
      '@type': 'ListItem',
      position: i + 1,
      item: { '@id': `https://kaspi.kz/shop/${c.code ? `c/${encodeURIComponent(c.code.toLowerCase())}` : ''}`, name: c.title },
    })),
  };
  return withProduct ? [organization, product, list] : [organization, list];
}

function itemDom(spec: PageSpec): string {
  const crumbsHtml = ['Kaspi Магазин', ...spec.categoryPath]
    .map((t) => `<a href="/shop/c/${slugify(t)}/" class="breadcrumbs__item">${escapeHtml(t)}</a>`)
    .join('');
  const slides = spec.photos
    .map(
      (p, i) =>
        `<li class="item__slider-slide" aria-hidden="${i > 0}"><div class="item__slider-pic-wrapper"><img ${i === 0 ? 'src' : 'data-src'}="${escapeHtml(p.replace('gallery-large', 'gallery-medium'))}" alt="" class="item__slider-pic"></div></li>`,
    )
    .join('');
  const specs = (spec.specifications ?? [])
    .map(
      (g) =>
        `<dl class="specifications-list__el"><dt class="specifications-list__el-title">${escapeHtml(g.group)}</dt>${g.features
          .map(
            ([n, v]) =>
              `<dd class="specifications-list__spec"><span class="specifications-list__spec-term-text">${escapeHtml(n)}</span><dd class="specifications-list__spec-definition">${escapeHtml(v)}</dd></dd>`,
          )
          .join('')}</dl>`,
    )
    .join('');
  // A product nobody has rated shows `rating _0` and no review link.
  const rating = spec.reviewCount
    ? `<div class="item__rating"><span class="rating _${Math.round(spec.rating * 10)}"></span>&nbsp;<a class="item__rating-link"><span>(${spec.reviewCount} ${reviewsWord(spec.reviewCount)})</span></a></div>`
    : '<div class="item__rating"><span class="rating _0"></span>&nbsp;</div>';
  // Out of stock, real pages show a mark instead of the price block.
  const price = spec.price
    ? `<div class="item__price "><div class="item__price-left-side"><div class="item__price-heading">Цена</div><div class="item__price-once">${spec.price.toLocaleString('ru-RU').replace(/\s/g, '&nbsp;')} ₸</div></div></div>`
    : '<div class="item__out-of-stock"><span class="icon _large _out-of-stock"></span></div>';
  return `<div id="mount-item-page"><div id="ItemView"><div class="breadcrumbs ">${crumbsHtml}</div>
<div class="item"><div class="item__inner"><div class="item__inner-left"><div class="item__slider "><ul class="item__slider-self">${slides}</ul></div></div>
<div class="item__inner-right"><div class="item__description"><div><div class="item__sku">Код товара: ${spec.id}</div><h1 class="item__heading">${escapeHtml(spec.title)}</h1>${rating}${price}</div><div class="item__description-text"><ul class="short-specifications"></ul></div></div></div></div></div>
<div class="item-content"><div class="tabs-content"><div class="tabs-content__container"><div id="offers" data-id="offers" class="tab-content__el _active"><div class="offer-selection"><div class="sellers-table"></div></div></div>
<div id="specifications" data-id="specifications" class="tab-content__el"><div class="specifications-list">${specs}</div></div>
<div id="description" data-id="description" class="tab-content__el"><div class="item-content__inner"><div class="description ">${spec.descriptionHtml}</div></div></div></div></div></div></div></div>`;
}

/** "отзыв" / "отзыва" / "отзывов" as Kaspi writes the count. */
function reviewsWord(n: number): string {
  const tens = n % 100;
  const last = n % 10;
  if (tens >= 11 && tens <= 14) return 'отзывов';
  if (last === 1) return 'отзыв';
  return last >= 2 && last <= 4 ? 'отзыва' : 'отзывов';
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
<title>Купить ${escapeHtml(spec.title)} в Алматы – Магазин на Kaspi.kz</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="${escapeHtml(`${spec.title}: цены, отзывы, характеристики. Рассрочка 0-0-12.`)}">
<meta property="og:site_name" content="Kaspi Магазин">
<meta property="og:title" content="Купить ${escapeHtml(spec.title)} в Алматы – Магазин на Kaspi.kz">
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
    withDom ? itemDom(spec) : '<div id="mount-item-page"><div id="ItemView"></div></div>',
    // As real pages: one script sets the product id and the item state.
    withBackend ? `<script>\n      BACKEND.state.productId = "${spec.id}";\n      BACKEND.components.item = ${scriptJson(itemState(spec))}\n    </script>` : '',
    externalScripts(10, 'chunk'),
    `<script>BACKEND.components.footer = ${scriptJson({ year: 2026, links: ['/info/'], note: 'braces } and { and }; in a string' })};</script>`,
    footer(),
    ...jsonLdBlocks(spec, withLd).map((block) => `<script type="application/ld+json">\n      ${scriptJson(block)}\n    </script>`),
    '<script>window.__APP_READY__ = true;</script>',
    '</body></html>',
  ];
  let html = parts.join('\n');
  if (html.length < target) html = html.replace('</body>', `<!-- ${'·'.repeat(Math.max(0, target - html.length - 20))} --></body>`);
  return html;
}
