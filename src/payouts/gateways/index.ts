// Picks the gateway from settings: `payouts.gateway` / MP_PAYOUTS_GATEWAY = simulated (default) | http.
import type { Config } from '../../core/config.js';
import { UsageError } from '../../core/errors.js';
import { readSetting } from '../../core/settings.js';
import type { PayoutGateway } from './gateway.js';

export async function gatewayFromConfig(config: Config, name?: string): Promise<PayoutGateway> {
  const kind = name ?? readSetting(config, 'payouts.gateway');
  if (kind === 'simulated') {
    const { simulatedGateway } = await import('./simulated.js');
    return simulatedGateway({
      latencyMs: readSetting(config, 'payouts.simulated.latencyMs'),
      failureRate: readSetting(config, 'payouts.simulated.failureRate'),
      transientRate: readSetting(config, 'payouts.simulated.transientRate'),
    });
  }
  if (kind === 'http') {
    const url = readSetting(config, 'payouts.gatewayUrl');
    const secret = readSetting(config, 'payouts.gatewaySecret');
    if (!url) throw new UsageError('PAYOUT_GATEWAY_URL_MISSING', 'the http gateway needs a provider URL: set MP_PAYOUTS_GATEWAY_URL (or payouts.gatewayUrl)');
    if (!secret) throw new UsageError('PAYOUT_GATEWAY_SECRET_MISSING', 'the http gateway needs a signing secret: set MP_PAYOUTS_GATEWAY_SECRET');
    const { httpGateway } = await import('./http.js');
    return httpGateway({ url, secret, timeoutMs: readSetting(config, 'payouts.gatewayTimeoutMs') });
  }
  throw new UsageError('PAYOUT_GATEWAY_UNKNOWN', `unknown payout gateway "${kind}": use simulated or http`);
}
