// Notification settings from the environment or the config file (`notify.*` keys).
import type { Config } from '../core/config.js';
import { readSetting } from '../core/settings.js';

export interface NotifyConfig {
  telegramUrl: string;
  /** Messages per second across all chats (Telegram allows ~30). */
  perSecond: number;
  /** Minimum gap between two messages to one chat. */
  perChatMs: number;
  webhookMaxAttempts: number;
  telegramMaxAttempts: number;
  /** How long a claimed row stays with its worker before another may take it over. */
  leaseMs: number;
}

export function notifyConfig(config: Config): NotifyConfig {
  return {
    telegramUrl: readSetting(config, 'notify.telegramUrl'),
    perSecond: readSetting(config, 'notify.telegramRate'),
    perChatMs: readSetting(config, 'notify.telegramChatIntervalMs'),
    webhookMaxAttempts: readSetting(config, 'notify.webhookMaxAttempts'),
    telegramMaxAttempts: readSetting(config, 'notify.telegramMaxAttempts'),
    // Rows a dead worker claimed wait this long before another process takes them; a request still out
    // after this long (renewed when it leaves) is treated as a dead worker's. Keep it well above the
    // request timeouts (Telegram 30 s, webhooks 15 s) when several processes deliver.
    leaseMs: readSetting(config, 'notify.lease'),
  };
}
