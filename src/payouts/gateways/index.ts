// Picks the gateway from settings: `payouts.gateway` / MP_PAYOUTS_GATEWAY = simulated (default) | http.
import { type Config, setting } from '../../core/config.js';
import { UsageError } from '../../core/errors.js';
import { url as checkUrl } from '../../core/validate.js';
import type { PayoutGateway } from './gateway.js';

export async function gatewayFromConfig(config: Config, name?: string): Promise<PayoutGateway> {
  const kind = name ?? setting(config, 'payouts.gateway', 'MP_PAYOUTS_GATEWAY', 'simulated');
  if (kind === 'simulated') {
    const { simulatedGateway } = await import('./simulated.js');
    return simulatedGateway({
      latencyMs: numberSetting(config, 'payouts.simulated.latencyMs', 'MP_PAYOUTS_SIM_LATENCY_MS', 0),
      failureRate: numberSetting(config, 'payouts.simulated.failureRate', 'MP_PAYOUTS_SIM_FAILURE_RATE', 0),
      transientRate: numberSetting(config, 'payouts.simulated.transientRate', 'MP_PAYOUTS_SIM_TRANSIENT_RATE', 0),
    });
  }
  if (kind === 'http') {
    const url = setting(config, 'payouts.gatewayUrl', 'MP_PAYOUTS_GATEWAY_URL');
    const secret = setting(config, 'payouts.gatewaySecret', 'MP_PAYOUTS_GATEWAY_SECRET');
    if (!url) throw new UsageError('PAYOUT_GATEWAY_URL_MISSING', 'the http gateway needs a provider URL: set MP_PAYOUTS_GATEWAY_URL (or payouts.gatewayUrl)');
    if (!secret) throw new UsageError('PAYOUT_GATEWAY_SECRET_MISSING', 'the http gateway needs a signing secret: set MP_PAYOUTS_GATEWAY_SECRET');
    checkUrl(url, 'MP_PAYOUTS_GATEWAY_URL');
    const { httpGateway } = await import('./http.js');
    return httpGateway({ url, secret, timeoutMs: numberSetting(config, 'payouts.gatewayTimeoutMs', 'MP_PAYOUTS_GATEWAY_TIMEOUT_MS', 10_000) });
  }
  throw new UsageError('PAYOUT_GATEWAY_UNKNOWN', `unknown payout gateway "${kind}": use simulated or http`);
}

function numberSetting(config: Config, key: string, env: string, fallback: number): number {
  const text = setting(config, key, env, String(fallback));
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new UsageError('BAD_SETTING', `${env} (${key}) must be a non-negative number, got "${text}"`);
  return n;
}
