import type { Generated } from 'kysely';

/**
 * Tables of sql/0006_notify.sql and sql/0023_notify_marketplaces.sql: recipients and their settings,
 * the outbox, the Telegram bot's state, Kaspi events (the Kaspi twin of wb_events) and health levels.
 */
export interface NotifyTables {
  notify_recipients: NotifyRecipientsTable;
  notify_fanned_events: NotifyFannedEventsTable;
  notify_outbox: NotifyOutboxTable;
  notify_bot_tokens: NotifyBotTokensTable;
  notify_bot_chats: NotifyBotChatsTable;
  kaspi_events: KaspiEventsTable;
  notify_health: NotifyHealthTable;
}

export interface NotifyRecipientsTable {
  id: Generated<string>;
  /** A recipient belongs to one WB cabinet or one Kaspi store (sql/0023). */
  cabinet_id: string | null;
  kaspi_store_id: string | null;
  user_id: string | null;
  channel: 'telegram' | 'webhook';
  chat_id: string | null;
  webhook_url: string | null;
  webhook_secret_sealed: string | null;
  enabled: Generated<boolean>;
  types: Generated<string[]>;
  review_threshold: Generated<number>;
  stock_threshold: Generated<number>;
  group_threshold: Generated<number>;
  quiet_start: string | null;
  quiet_end: string | null;
  time_zone: Generated<string>;
  lang: Generated<'ru' | 'en'>;
  disabled_at: Date | null;
  disabled_reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface NotifyFannedEventsTable {
  event_id: string;
  fanned_at: Generated<Date>;
}

export interface NotifyOutboxTable {
  id: Generated<string>;
  recipient_id: string;
  cabinet_id: string | null;
  kaspi_store_id: string | null;
  type: string;
  dedup_key: string;
  payload: Record<string, unknown>;
  status: Generated<'pending' | 'sending' | 'sent' | 'failed' | 'dead'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  locked_until: Date | null;
  locked_by: string | null;
  in_flight_at: Date | null;
  parts_sent: Generated<number>;
  last_error: string | null;
  unconfirmed: Generated<boolean>;
  created_at: Generated<Date>;
  sent_at: Date | null;
}

export interface NotifyBotTokensTable {
  token_hash: string;
  token_sealed: string | null;
  bot_username: string | null;
  update_offset: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface NotifyBotChatsTable {
  chat_id: string;
  user_id: string | null;
  state: Generated<'new' | 'await_token' | 'syncing' | 'menu'>;
  cabinet_id: string | null;
  menu_message_id: string | null;
  updated_at: Generated<Date>;
  /** From the user's updates (`from.language_code`), sql/0027. */
  telegram_lang: 'ru' | 'en' | null;
  /** What the user chose with /lang or the menu's language button: wins over telegram_lang. */
  chosen_lang: 'ru' | 'en' | null;
}

export type KaspiEventType =
  | 'new_order'
  | 'cancellation'
  | 'return'
  | 'price_floor'
  | 'lost_first_place'
  | 'price_refused'
  | 'store_paused'
  | 'access_refused'
  | 'scrape_failing'
  | 'layout_changed'
  | 'cancel_share'
  | 'job_failing';

export interface KaspiEventsTable {
  id: Generated<string>;
  store_id: string;
  // Spelled out (not KaspiEventType): test/db/schema.test.ts reads the literal types.
  type:
    | 'new_order'
    | 'cancellation'
    | 'return'
    | 'price_floor'
    | 'lost_first_place'
    | 'price_refused'
    | 'store_paused'
    | 'access_refused'
    | 'scrape_failing'
    | 'layout_changed'
    | 'cancel_share'
    | 'job_failing';
  event_key: string;
  dedup_key: string;
  occurred_at: Date;
  payload: Generated<Record<string, unknown>>;
  created_at: Generated<Date>;
  fanned_at: Date | null;
}

export interface NotifyHealthTable {
  subject: string;
  level: 'ok' | 'warning' | 'critical';
  value: string | null;
  crossings: Generated<number>;
  updated_at: Generated<Date>;
}
