// Flag parsing shared by the `mp kaspi` commands.
import { UsageError } from '../../core/errors.js';
import type { RateLimit } from '../../http/client.js';
import { resolveCity } from '../../kaspi/cities.js';
import { KASPI_DEFAULT_RATE } from '../../kaspi/kaspi.client.js';

export function cityOption(city: string | undefined): string | undefined {
  return city === undefined ? undefined : resolveCity(city);
}

/** `--rate <n>` requests per second per exit IP (0 = unlimited); the burst stays at most 4. */
export function rateOption(rate: string | undefined): RateLimit | null {
  if (rate === undefined) return KASPI_DEFAULT_RATE;
  const n = Number(rate);
  if (!Number.isFinite(n) || n < 0 || n > 1000)
    throw new UsageError('BAD_OPTION', `--rate must be a number of requests per second (0 = unlimited), got "${rate}"`);
  if (n === 0) return null;
  return { perSecond: n, burst: Math.max(1, Math.min(KASPI_DEFAULT_RATE.burst, Math.ceil(n))) };
}

export function intOption(value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError('BAD_OPTION', `${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}
