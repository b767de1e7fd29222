// Competitor offers for the repricer, read live through the Kaspi client's fetchAllOffers and mapped
// to what the strategy needs. A failure or an unreadable answer is "unknown" for that product (no
// price change), never "no competitors".
import type { Config } from '../core/config.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { readSetting } from '../core/settings.js';
import type { HttpClient } from '../http/client.js';
import { createKaspiClient, fetchAllOffers, kaspiBaseUrl } from '../kaspi/kaspi.client.js';
import type { KaspiOffer } from '../kaspi/offers.parser.js';
import { DELIVERY_DAYS, type StrategyOffer } from './strategy.js';

export interface OffersResult {
  /** null when the offers could not be read. */
  offers: StrategyOffer[] | null;
  error?: string;
}

export type OffersFetcher = (productId: string, cityId: string) => Promise<OffersResult>;

/**
 * The offers client: MP_KASPI_URL, `perSecond` requests per second per exit IP (0 = unlimited), through
 * `proxies` in turn (default MP_KASPI_PROXIES / `kaspi.proxies`; empty: direct). A read that fails
 * through one proxy (403, network) is retried through the next.
 */
export function createOffersClient(
  config: Config,
  perSecond: number,
  log?: Logger,
  proxies: readonly string[] = readSetting(config, 'kaspi.proxies'),
): HttpClient {
  return createKaspiClient(kaspiBaseUrl(config), {
    rateLimit: perSecond > 0 ? { perSecond, burst: Math.max(1, Math.ceil(perSecond)) } : null,
    proxies: proxies.length ? [...proxies] : undefined,
    log,
  });
}

/** Reads every page of a product's offers in a city; one read per product and city per run. */
export function kaspiOffersFetcher(client: HttpClient): OffersFetcher {
  const cache = new Map<string, Promise<OffersResult>>();
  return (productId, cityId) => {
    const key = `${productId}|${cityId}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = fetchAllOffers(client, productId, cityId).then(
        (all): OffersResult =>
          // Fewer rows than Kaspi's own total (a page cut short, the page cap): the cheapest rival
          // may be among those not seen, so the product is held with a reason, never repriced
          // against part of the list.
          all.complete
            ? { offers: all.offers.map(toStrategyOffer) }
            : { offers: null, error: `Kaspi listed ${all.rows} of the ${all.total} offers it reports (${all.pages} page(s)): offers incomplete` },
        (error: unknown) => ({ offers: null, error: errorMessage(error) }),
      );
      cache.set(key, hit);
    }
    return hit;
  };
}

function toStrategyOffer(o: KaspiOffer): StrategyOffer {
  return {
    merchantId: o.merchantId,
    merchantName: o.merchantName,
    price: Number(o.price),
    deliveryDays: o.deliveryDuration ? (DELIVERY_DAYS[o.deliveryDuration] ?? DELIVERY_DAYS.OTHER) : undefined,
    interCity: o.interCity,
  };
}
