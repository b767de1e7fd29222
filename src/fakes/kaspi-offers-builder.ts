// Raw offers as `POST /yml/offer-view/offers/<id>` returns them (reference/kaspi.md §2), for the
// committed fixtures and for the benchmark's generated products.

export interface RawOffer {
  masterSku: string;
  masterCategory: string;
  merchantId: string;
  merchantName: string;
  merchantSku: string;
  merchantReviewsQuantity?: number;
  merchantRating?: number;
  title: string;
  price: number;
  delivery: string;
  deliveryMovedBySlot: boolean;
  kaspiDelivery: boolean;
  kdPoints: string[];
  pointsWithAvailability: string[];
  preorder: number;
  locatedInPoint: string;
  deliveryType: string;
  deliveryDuration: string;
}

const NAMES = [
  'Tehno Trade',
  'Mobile Zone',
  'Gadget Store',
  'Smart Shop KZ',
  'iMarket',
  'Digital Plaza',
  'Sulpak Market',
  'Alem Tech',
  'Arena Phones',
  'Best Price',
];
const DURATIONS = ['TODAY', 'TOMORROW', 'TILL_2_DAYS', 'TILL_3_DAYS', 'TILL_5_DAYS', 'TILL_7_DAYS', 'OTHER'];

/** A deterministic pseudo-random source (mulberry32) so fixtures are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function rawOffer(
  productId: string,
  title: string,
  category: string,
  merchantId: string,
  merchantName: string,
  price: number,
  rnd: () => number,
): RawOffer {
  const isNew = rnd() < 0.08;
  const duration = DURATIONS[Math.floor(rnd() * DURATIONS.length)]!;
  return {
    masterSku: productId,
    masterCategory: `Master - ${category}`,
    merchantId,
    merchantName,
    merchantSku: `${productId}_${merchantId}`,
    // Brand-new shops have neither a rating nor a review count.
    ...(isNew ? {} : { merchantReviewsQuantity: Math.floor(rnd() * 5000), merchantRating: Math.round((3.5 + rnd() * 1.5) * 10) / 10 }),
    title,
    price,
    delivery: '2026-11-23T18:00:00.000+00:00',
    deliveryMovedBySlot: false,
    kaspiDelivery: rnd() < 0.6,
    kdPoints: [`${merchantId}_PP1`],
    pointsWithAvailability: [`${merchantId}_PP1`],
    preorder: rnd() < 0.1 ? 5 : 0,
    locatedInPoint: `${merchantId}_PP1`,
    deliveryType: duration === 'TODAY' && rnd() < 0.5 ? 'EXPRESS' : 'TO_DOOR',
    deliveryDuration: duration,
  };
}

/** `count` offers from distinct merchants, sorted by price from `minPrice` upwards. */
export function buildOffers(productId: string, title: string, category: string, count: number, minPrice: number, seed: number): RawOffer[] {
  const rnd = prng(seed);
  const offers: RawOffer[] = [];
  let price = minPrice;
  for (let i = 0; i < count; i++) {
    const merchantId = i === 3 ? 'Satel' : String(10_000_000 + ((seed * 7919 + i * 104_729) % 89_999_999));
    const name = `${NAMES[i % NAMES.length]}${i >= NAMES.length ? ` ${Math.floor(i / NAMES.length) + 1}` : ''}`;
    offers.push(rawOffer(productId, title, category, merchantId, name, price, rnd));
    price += 10 * Math.ceil(rnd() * 50);
  }
  return offers;
}
