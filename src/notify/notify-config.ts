// Notification settings from the environment or the config file (`notify.*` keys).
import type { Config } from '../core/config.js';
import { parseDurationMs, setting } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import { DEFAULT_TELEGRAM_URL } from './telegram/telegram-client.js';

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

function positive(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError('NOTIFY_BAD_SETTING', `${what} must be a positive number, got "${text}"`);
  return n;
}

/**
 * The claim lease. Rows a dead worker claimed wait this long before another process takes them; a
 * request still out after this long (renewed when it leaves) is treated as a dead worker's. Keep it
 * well above the request timeouts (Telegram 30 s, webhooks 15 s) when several processes deliver.
 */
function lease(text: string): number {
  const ms = parseDurationMs(text, 'MP_NOTIFY_LEASE');
  if (ms < 1000) throw new UsageError('NOTIFY_BAD_SETTING', `MP_NOTIFY_LEASE must be at least 1s, got "${text}"`);
  return ms;
}

export function notifyConfig(config: Config): NotifyConfig {
  return {
    telegramUrl: setting(config, 'notify.telegramUrl', 'MP_TELEGRAM_URL', DEFAULT_TELEGRAM_URL).replace(/\/+$/, ''),
    perSecond: positive(setting(config, 'notify.telegramRate', 'MP_TELEGRAM_RATE', '25'), 'MP_TELEGRAM_RATE (messages per second)'),
    perChatMs: positive(setting(config, 'notify.telegramChatIntervalMs', 'MP_TELEGRAM_CHAT_INTERVAL_MS', '1112'), 'MP_TELEGRAM_CHAT_INTERVAL_MS'),
    webhookMaxAttempts: Math.round(positive(setting(config, 'notify.webhookMaxAttempts', 'MP_NOTIFY_WEBHOOK_ATTEMPTS', '10'), 'MP_NOTIFY_WEBHOOK_ATTEMPTS')),
    telegramMaxAttempts: Math.round(positive(setting(config, 'notify.telegramMaxAttempts', 'MP_NOTIFY_TELEGRAM_ATTEMPTS', '8'), 'MP_NOTIFY_TELEGRAM_ATTEMPTS')),
    leaseMs: lease(setting(config, 'notify.lease', 'MP_NOTIFY_LEASE', '10m')),
  };
}
