// How mp reads the Kaspi storefront, from the settings table: the rate per exit IP, how many products at
// once, and the proxies. Commands pass their flags (`--rate`, `--concurrency`, `--proxy`); jobs and the
// daemon pass none and get MP_KASPI_RATE, MP_KASPI_CONCURRENCY and MP_KASPI_PROXIES (or the config file).
import type { Config } from '../core/config.js';
import { readSetting } from '../core/settings.js';
import type { RateLimit } from '../http/client.js';

/** The largest burst per exit IP (KASPI_DEFAULT_RATE's); kept here so jobs can check settings without loading the HTTP client. */
const MAX_BURST = 4;

export interface KaspiReadFlags {
  rate?: string;
  concurrency?: string;
  /** `--proxy` (repeatable): replaces MP_KASPI_PROXIES when given. */
  proxy?: string[];
}

export interface KaspiReadOptions {
  /** null: unlimited (`--rate 0`). */
  rateLimit: RateLimit | null;
  concurrency: number;
  /** Proxy URLs used in turn; empty: requests go out directly. */
  proxies: string[];
}

/** A rate in requests per second as a limit per exit IP (0 = none); the burst stays at most the default's. */
export function kaspiRateLimit(perSecond: number): RateLimit | null {
  if (perSecond === 0) return null;
  return { perSecond, burst: Math.max(1, Math.min(MAX_BURST, Math.ceil(perSecond))) };
}

/** The storefront read options: flags over MP_KASPI_* over the config file over the defaults; a bad value is a usage error. */
export function kaspiReadOptions(config: Config, flags: KaspiReadFlags = {}): KaspiReadOptions {
  return {
    rateLimit: kaspiRateLimit(readSetting(config, 'kaspi.rate', { value: flags.rate, flag: '--rate' })),
    concurrency: readSetting(config, 'kaspi.concurrency', { value: flags.concurrency, flag: '--concurrency' }),
    proxies: kaspiProxies(config, flags.proxy),
  };
}

/** `--proxy` values when given, else MP_KASPI_PROXIES / `kaspi.proxies`; each must be a proxy URL. */
export function kaspiProxies(config: Config, proxyFlag?: string[]): string[] {
  return readSetting(config, 'kaspi.proxies', { value: proxyFlag, flag: '--proxy' });
}
