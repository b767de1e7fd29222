// Known Kaspi products, offers and their history, inserted directly, for the export and history
// tests. The values are chosen to be awkward: quotes, commas, semicolons and newlines in text,
// a seller name that Excel would run as a formula, nulls, Cyrillic, two cities of one product.
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';

export const ALMATY = '750000000';
export const ASTANA = '710000000';
export const t = (iso: string) => new Date(iso);

export interface Seeded {
  phoneAlmaty: string;
  phoneAstana: string;
  kettle: string;
  offers: Record<string, string>;
}

export async function seedKaspiHistory(db: Kysely<Database>): Promise<Seeded> {
  const products = await db
    .insertInto('kaspi_products')
    .values([
      {
        kaspi_id: '102298404',
        city_id: ALMATY,
        name: 'Apple iPhone 15 128Gb черный',
        description_text: 'Экран 6,1"; "Super Retina"\nвторая строка',
        category: 'Смартфоны',
        category_path: ['Телефоны и гаджеты', 'Смартфоны'],
        brand: 'Apple',
        min_price: '361788',
        max_price: '420000',
        rating: '4.9',
        review_count: 1234,
        seller_count: 3,
        photos: ['https://resources.cdn-kaspi.kz/img/m/p/a.jpg', 'https://resources.cdn-kaspi.kz/img/m/p/b.jpg'],
        url: 'https://kaspi.kz/shop/p/-102298404/?c=750000000',
        first_seen_at: t('2026-11-01T06:00:00Z'),
        last_checked_at: t('2026-11-20T06:00:00Z'),
        last_changed_at: t('2026-11-20T06:00:00Z'),
      },
      {
        kaspi_id: '102298404',
        city_id: ASTANA,
        name: 'Apple iPhone 15 128Gb черный',
        // A line break with nothing else that needs quoting: it must still be quoted in CSV.
        description_text: 'строка 1\nстрока 2',
        category: 'Смартфоны',
        category_path: ['Телефоны и гаджеты', 'Смартфоны'],
        brand: 'Apple',
        min_price: '365000',
        max_price: '365000',
        rating: '4.9',
        review_count: 1234,
        seller_count: 1,
        url: 'https://kaspi.kz/shop/p/-102298404/?c=710000000',
        first_seen_at: t('2026-11-10T06:00:00Z'),
        last_checked_at: t('2026-11-10T06:00:00Z'),
        last_changed_at: t('2026-11-10T06:00:00Z'),
      },
      {
        kaspi_id: '11636226b',
        city_id: ALMATY,
        name: 'Чайник Xiaomi Mi Kettle',
        description_text: null,
        category: null,
        brand: null,
        min_price: null,
        max_price: null,
        rating: null,
        review_count: null,
        seller_count: 0,
        offers_status: 'none',
        url: 'https://kaspi.kz/shop/p/-11636226b/?c=750000000',
        first_seen_at: t('2026-11-05T06:00:00Z'),
        last_checked_at: t('2026-11-05T06:00:00Z'),
        last_changed_at: t('2026-11-05T06:00:00Z'),
      },
    ])
    .returning('id')
    .execute();
  const [phoneAlmaty, phoneAstana, kettle] = products.map((p) => p.id) as [string, string, string];

  const offers = await db
    .insertInto('kaspi_offers')
    .values([
      {
        product_id: phoneAlmaty,
        merchant_id: 'm1',
        merchant_name: 'ТОО "Рога, и копыта"',
        price: '361788',
        merchant_rating: '4.8',
        merchant_review_count: 950,
        delivery_type: 'TO_DOOR',
        delivery_duration: 'tomorrow',
        kaspi_delivery: true,
        preorder_days: null,
        first_seen_at: t('2026-11-01T06:00:00Z'),
        last_seen_at: t('2026-11-20T06:00:00Z'),
      },
      {
        product_id: phoneAlmaty,
        merchant_id: 'm2',
        merchant_name: '=HYPERLINK("x")',
        price: '389990',
        merchant_rating: null,
        merchant_review_count: null,
        delivery_type: 'PICKUP',
        delivery_duration: null,
        kaspi_delivery: false,
        preorder_days: 3,
        first_seen_at: t('2026-11-01T06:00:00Z'),
        last_seen_at: t('2026-11-20T06:00:00Z'),
      },
      {
        product_id: phoneAlmaty,
        merchant_id: 'm3',
        merchant_name: 'Shop; One',
        price: '420000',
        merchant_rating: '5',
        merchant_review_count: 10,
        first_seen_at: t('2026-11-01T06:00:00Z'),
        last_seen_at: t('2026-11-15T06:00:00Z'),
        active: false,
      },
      {
        product_id: phoneAstana,
        merchant_id: 'm1',
        merchant_name: 'ТОО "Рога, и копыта"',
        price: '365000',
        first_seen_at: t('2026-11-10T06:00:00Z'),
        last_seen_at: t('2026-11-10T06:00:00Z'),
      },
    ])
    .returning(['id', 'merchant_id', 'product_id'])
    .execute();
  const offerId = (product: string, merchant: string) => offers.find((o) => o.product_id === product && o.merchant_id === merchant)!.id;

  const ev = (
    product: string,
    merchant: string,
    event: 'appeared' | 'price_changed' | 'disappeared',
    oldPrice: string | null,
    newPrice: string | null,
    at: string,
  ) => ({
    product_id: product,
    offer_id: offerId(product, merchant),
    merchant_id: merchant,
    event,
    old_price: oldPrice,
    new_price: newPrice,
    created_at: t(at),
  });
  await db
    .insertInto('kaspi_offer_history')
    .values([
      ev(phoneAlmaty, 'm1', 'appeared', null, '379990', '2026-11-01T06:00:00Z'),
      ev(phoneAlmaty, 'm2', 'appeared', null, '389990', '2026-11-01T06:00:00Z'),
      ev(phoneAlmaty, 'm3', 'appeared', null, '420000', '2026-11-01T06:00:00Z'),
      ev(phoneAlmaty, 'm1', 'price_changed', '379990', '369990', '2026-11-08T06:00:00Z'),
      ev(phoneAlmaty, 'm1', 'price_changed', '369990', '361788', '2026-11-15T06:00:00Z'),
      ev(phoneAlmaty, 'm3', 'disappeared', '420000', null, '2026-11-20T06:00:00Z'),
      ev(phoneAstana, 'm1', 'appeared', null, '365000', '2026-11-10T06:00:00Z'),
    ])
    .execute();

  const snap = (product: string, at: string, min: string | null, max: string | null, sellers: number, reviews: number | null, changed: string[]) => ({
    product_id: product,
    checked_at: t(at),
    changed_fields: changed,
    name: product === kettle ? 'Чайник Xiaomi Mi Kettle' : 'Apple iPhone 15 128Gb черный',
    min_price: min,
    max_price: max,
    rating: product === kettle ? null : '4.9',
    review_count: reviews,
    seller_count: sellers,
    offers_status: product === kettle ? ('none' as const) : ('ok' as const),
  });
  await db
    .insertInto('kaspi_product_history')
    .values([
      snap(phoneAlmaty, '2026-11-01T06:00:00Z', '379990', '420000', 3, 1200, []),
      snap(phoneAlmaty, '2026-11-08T06:00:00Z', '369990', '420000', 3, 1210, ['min_price', 'review_count']),
      snap(phoneAlmaty, '2026-11-15T06:00:00Z', '361788', '420000', 3, 1220, ['min_price', 'review_count']),
      snap(phoneAlmaty, '2026-11-20T06:00:00Z', '361788', '389990', 2, 1234, ['max_price', 'seller_count', 'review_count']),
      snap(phoneAstana, '2026-11-10T06:00:00Z', '365000', '365000', 1, 1234, []),
      snap(kettle, '2026-11-05T06:00:00Z', null, null, 0, null, []),
    ])
    .execute();
  return { phoneAlmaty, phoneAstana, kettle, offers: Object.fromEntries(offers.map((o) => [`${o.product_id}:${o.merchant_id}`, o.id])) };
}
