// The products behind fixtures/kaspi/: what each page, offer catalogue and review response holds.
// Tests read the committed files; this module only says how they were made.
import { buildOffers, type RawOffer } from './kaspi-offers-builder.js';
import { escapeHtml, type PageSpec } from './kaspi-page-builder.js';

export interface FixtureProduct {
  key: 'phone' | 'single' | 'none' | 'description' | 'jsonld' | 'dom';
  id: string;
  page: string;
  title: string;
  brand: string;
  categoryPath: string[];
  categoryCodes: string[];
  descriptionHtml: string;
  offers: number;
  minPrice: number;
  rating: number;
  reviewCount: number;
  sources: Pick<PageSpec, 'backend' | 'jsonLd' | 'dom'>;
}

const photos = (id: string, n: number) =>
  Array.from({ length: n }, (_, i) => `https://resources.cdn-kaspi.kz/img/m/p/h${i}a/h${i}b/${Number(id.replace(/\D/g, '')) + i}.jpg?format=gallery-large`);

export const FIXTURE_PRODUCTS: FixtureProduct[] = [
  {
    key: 'phone',
    id: '113137790',
    page: 'product-phone.html',
    title: 'Смартфон Apple iPhone 15 128Gb черный',
    brand: 'Apple',
    categoryPath: ['Телефоны и гаджеты', 'Смартфоны и гаджеты', 'Смартфоны'],
    categoryCodes: ['Smartphones', 'Smartphones and gadgets', 'Phones and gadgets'],
    descriptionHtml: '<p>iPhone 15 с Dynamic Island и камерой 48 Мп.</p><p>Чип A16 Bionic, USB-C.</p>',
    offers: 148,
    minPrice: 379_990,
    rating: 4.9,
    reviewCount: 10_727,
    sources: {},
  },
  {
    key: 'single',
    id: '100412340',
    page: 'product-single-seller.html',
    title: 'Аккумуляторная отвертка Bosch GO 2 06019H2100',
    brand: 'Bosch',
    categoryPath: ['Строительство, ремонт', 'Электроинструменты', 'Отвертки'],
    categoryCodes: ['Screwdrivers', 'Power tools', 'Construction and repair'],
    descriptionHtml: '<p>Компактная отвертка с автоматической блокировкой шпинделя.</p>',
    offers: 1,
    minPrice: 34_990,
    rating: 4.7,
    reviewCount: 312,
    sources: {},
  },
  {
    key: 'none',
    id: '105678901',
    page: 'product-no-sellers.html',
    title: 'Чехол для Samsung Galaxy A15 силиконовый прозрачный',
    brand: 'Samsung',
    categoryPath: ['Телефоны и гаджеты', 'Аксессуары для телефонов', 'Чехлы для смартфонов'],
    categoryCodes: ['Phone cases', 'Phone accessories', 'Phones and gadgets'],
    descriptionHtml: '<p>Прозрачный силиконовый чехол.</p>',
    offers: 0,
    minPrice: 0,
    rating: 0,
    reviewCount: 0,
    sources: {},
  },
  {
    key: 'description',
    id: '118224455',
    page: 'product-description-html.html',
    title: 'Футболка Nike Dri-FIT Miler {Run} мужская черная',
    brand: 'Nike',
    categoryPath: ['Одежда', 'Мужская одежда', 'Футболки'],
    categoryCodes: ['Men T-shirts', 'Men clothing', 'Clothes'],
    // Braces, `};`, escaped quotes and a closing script tag inside the item JSON's strings.
    descriptionHtml:
      '<p>Футболка для бега. Размеры: {S, M, L, XL}.</p><ul><li>Материал: 100% полиэстер</li><li>Технология "Dri-FIT" отводит влагу</li></ul>' +
      '<p>Пример кода: <code>if (run) { pace(); };</code> и строка </script> в тексте.</p><p>Цвет: \\чёрный\\ &amp; белый логотип</p>',
    offers: 4,
    minPrice: 12_990,
    rating: 4.6,
    reviewCount: 58,
    sources: {},
  },
  {
    key: 'jsonld',
    id: '120987654',
    page: 'product-jsonld-only.html',
    title: 'Холодильник LG GA-B509CQSL серебристый',
    brand: 'LG',
    categoryPath: ['Бытовая техника', 'Крупная техника для кухни', 'Холодильники'],
    categoryCodes: ['Refrigerators', 'Large kitchen appliances', 'Home appliances'],
    descriptionHtml: 'Двухкамерный холодильник с системой Total No Frost и инверторным компрессором.',
    offers: 3,
    minPrice: 389_990,
    rating: 4.8,
    reviewCount: 1_204,
    sources: { backend: false, dom: false },
  },
  {
    key: 'dom',
    id: '121000111',
    page: 'product-dom-only.html',
    title: 'Пылесос Dyson V15 Detect Absolute',
    brand: 'Dyson',
    categoryPath: ['Бытовая техника', 'Техника для дома', 'Пылесосы'],
    categoryCodes: ['Vacuum cleaners', 'Home technics', 'Home appliances'],
    descriptionHtml: '<p>Беспроводной пылесос с лазерной подсветкой пыли.</p>',
    offers: 2,
    minPrice: 349_990,
    rating: 4.5,
    reviewCount: 96,
    sources: { backend: false, jsonLd: false },
  },
];

/**
 * The real pages in fixtures/kaspi/real/ (trimmed captures) that the fake serves as they are, with
 * offers built for them (their offers were not captured): what each page says, for the offers to
 * agree with it. `offers` 0 = out of stock (the page has no price).
 */
export interface RealPageProduct {
  id: string;
  title: string;
  category: string;
  price: number;
  offers: number;
  /** What the page shows: rating and review count (0/0 for `rating _0` with no link). */
  rating: number;
  reviewCount: number;
  /** The canonical URL the page's own links give. */
  url: string;
}

export const REAL_PAGE_PRODUCTS: RealPageProduct[] = [
  {
    id: '121207970',
    title: 'Рашгард черный',
    category: 'Men thermal underwear',
    price: 2810,
    offers: 4,
    rating: 4.9,
    reviewCount: 85,
    url: 'https://kaspi.kz/shop/p/rashgard-635798142-chernyi-xl-121207970/',
  },
  {
    id: '102529963',
    title: 'Комплект ALPIKA черный',
    category: 'Men thermal underwear',
    price: 8763,
    offers: 3,
    rating: 4.8,
    reviewCount: 709,
    url: 'https://kaspi.kz/shop/p/komplekt-alpika-102492502-chernyi-52-102529963/',
  },
  {
    id: '135502195',
    title: 'Рашгард серебристый',
    category: 'Men thermal underwear',
    price: 4990,
    offers: 1,
    rating: 0,
    reviewCount: 0,
    url: 'https://kaspi.kz/shop/p/rashgard-635798142-serebristyi-m-135502195/',
  },
  {
    id: '121934234',
    title: 'Рашгард черный',
    category: 'Men thermal underwear',
    price: 3499,
    offers: 2,
    rating: 4.9,
    reviewCount: 85,
    url: 'https://kaspi.kz/shop/p/rashgard-635798142-chernyi-3xl-121934234/',
  },
  {
    id: '120765717',
    title: 'Рашгард белый',
    category: 'Men thermal underwear',
    price: 0,
    offers: 0,
    rating: 4.8,
    reviewCount: 7,
    url: 'https://kaspi.kz/shop/p/rashgard-635798142-belyi-l-120765717/',
  },
];

/**
 * A product whose offers answer is the real xbatyr capture (fixtures/kaspi/real/offers-102298404.json):
 * `total` 20 but 4 rows. The fake serves it for page 0 and no rows (same total) after it: the list
 * stays short however often mp asks. Its page is ours (no real page of it was captured).
 */
export const SHORT_OFFERS_PRODUCT = {
  id: '102298404',
  page: 'product-short-offers.html',
  offers: 'real/offers-102298404.json',
  spec: {
    id: '102298404',
    title: 'Смартфон Apple iPhone 13 128Gb Midnight черный',
    brand: 'Apple',
    categoryPath: ['Телефоны и гаджеты', 'Смартфоны и гаджеты', 'Смартфоны'],
    categoryCodes: ['Smartphones', 'Smartphones and gadgets', 'Phones and gadgets'],
    descriptionHtml: '<p>iPhone 13 с двойной камерой 12 Мп.</p>',
    photos: [1, 2].map((i) => `https://resources.cdn-kaspi.kz/img/m/p/h${i}e/h${i}f/10229840${i}.jpg?format=gallery-large`),
    price: 361_788,
    rating: 4.9,
    reviewCount: 4_120,
    sellerCount: 20,
  } satisfies PageSpec,
};

export function fixtureSpec(p: FixtureProduct): PageSpec {
  return {
    id: p.id,
    title: p.title,
    brand: p.brand,
    categoryPath: p.categoryPath,
    categoryCodes: p.categoryCodes,
    descriptionHtml: p.descriptionHtml,
    photos: photos(p.id, p.key === 'phone' ? 6 : 3),
    price: p.minPrice,
    rating: p.rating,
    reviewCount: p.reviewCount,
    // The phone's page counts offers as listed (150 rows, 2 merchants twice).
    sellerCount: p.key === 'phone' ? 150 : p.offers,
    specifications: [
      {
        group: 'Общие характеристики',
        features: [
          ['Бренд', p.brand],
          ['Цвет', 'черный'],
          ['Гарантия', '12 мес.'],
        ],
      },
      {
        group: 'Габариты',
        features: [
          ['Вес', '0.5 кг'],
          ['Размеры', '10 x 20 x 5 см'],
        ],
      },
    ],
    ...p.sources,
  };
}

/**
 * The full offer catalogue the fake server pages through (64 per page). The phone has 150 rows:
 * 148 merchants, one listed again on page 2 at a lower price and one on page 3 at a higher one.
 */
export function fixtureOffers(p: FixtureProduct): RawOffer[] {
  const offers = buildOffers(p.id, p.title, p.categoryPath.at(-1)!, p.offers, p.minPrice, Number(p.id) % 1000);
  if (p.key !== 'phone') return offers;
  const cheaperLater = { ...offers[10]!, price: offers[0]!.price - 1_000 };
  const dearerLater = { ...offers[20]!, price: offers[20]!.price + 50_000 };
  offers.splice(70, 0, cheaperLater);
  offers.splice(140, 0, dearerLater);
  return offers;
}

export function fixtureReviews(p: FixtureProduct): unknown {
  const groups = [
    { id: 'ALL', total: Math.round(p.reviewCount * 1.2) },
    { id: 'PHOTO', total: Math.round(p.reviewCount * 0.1) },
    { id: 'COMMENT', total: p.reviewCount },
  ];
  // The phone lists COMMENT second (where the seed looked); the others do not.
  if (p.key === 'phone') groups.splice(1, 0, groups.splice(2, 1)[0]!);
  const data = Array.from({ length: Math.min(9, p.reviewCount) }, (_, i) => ({
    id: `${p.id}-${i}`,
    author: `Покупатель ${i + 1}`,
    date: `${String(10 + i).padStart(2, '0')}.11.2026`,
    rating: 5 - (i % 2),
    comment: { text: 'Отличный товар, доставили быстро.', plus: 'Качество', minus: 'Нет' },
    merchant: { name: 'Tehno Trade' },
  }));
  return {
    summary: { global: p.rating, statistic: [5, 4, 3, 2, 1].map((rate) => ({ rate, count: Math.round((p.reviewCount * (rate === 5 ? 70 : 6)) / 100) })) },
    groupSummary: groups,
    data,
  };
}

/** A 404 page: the site chrome with a "not found" message and no product. */
export function buildNotFoundPage(): string {
  const menu = Array.from({ length: 400 }, (_, i) => `<li class="nav__item"><a class="nav__link" href="/shop/c/category-${i}/">Категория ${i}</a></li>`).join(
    '\n',
  );
  return `<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Страница не найдена — Kaspi Магазин</title>
<link rel="stylesheet" href="https://ks-static.cdn-kaspi.kz/shop/app.css">
<script>var BACKEND = window.BACKEND || {}; BACKEND.components = BACKEND.components || {};</script>
</head><body class="page page_error">
<header class="header"><nav class="nav"><ul class="nav__list">${menu}</ul></nav></header>
<main class="error-page"><h1 class="error-page__title">Страница не найдена</h1>
<p>${escapeHtml('Возможно, товар снят с продажи или ссылка устарела. Вернитесь на главную.')}</p>
<a href="/shop/">На главную</a></main>
<footer class="footer"><p class="footer__copy">© 2008–2026 Kaspi.kz</p></footer>
</body></html>
`;
}
