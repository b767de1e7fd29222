// Flag parsing shared by the `mp kaspi` commands.
import { UsageError } from '../../core/errors.js';
import { settingDefaultText } from '../../core/settings.js';
import { resolveCity } from '../../kaspi/cities.js';
import { kaspiRateLimit } from '../../kaspi/read-options.js';

export function cityOption(city: string | undefined): string | undefined {
  return city === undefined ? undefined : resolveCity(city);
}

/** `--rate <n>` requests per second per exit IP (0 = unlimited); the burst stays at most 4. */
export function rateOption(rate: string | undefined): ReturnType<typeof kaspiRateLimit> {
  if (rate === undefined) return rateOption(settingDefaultText('kaspi.rate') ?? '4');
  const n = Number(rate);
  if (!Number.isFinite(n) || n < 0 || n > 1000)
    throw new UsageError('BAD_OPTION', `--rate must be a number of requests per second (0 = unlimited), got "${rate}"`);
  return kaspiRateLimit(n);
}

export function intOption(value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError('BAD_OPTION', `${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}
