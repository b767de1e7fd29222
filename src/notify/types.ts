// The vocabulary of notifications: which event types exist, which a user can switch, and a
// recipient's settings as the services see them.

/** Where a recipient's notifications come from: a Wildberries cabinet or a Kaspi store. */
export type Marketplace = 'wb' | 'kaspi';

/** Types the WB sync (and the WB account checks) write to `wb_events`. */
export const WB_EVENT_TYPES = [
  'new_order',
  'cancellation',
  'buyout',
  'return',
  'new_review',
  'stock_change',
  'sync_gap',
  'token_expiring',
  'access_refused',
  'job_failing',
] as const;
export type WbEventType = (typeof WB_EVENT_TYPES)[number];

/**
 * Types a WB cabinet's recipient is notified about (a new review only when negative, a stock change
 * only when critical), in the order settings show them.
 */
export const WB_NOTIFY_TYPES = [
  'new_order',
  'cancellation',
  'buyout',
  'return',
  'negative_review',
  'critical_stock',
  'sync_gap',
  'token_expiring',
  'access_refused',
  'job_failing',
] as const;

/** Types a Kaspi store's recipient is notified about: one per kaspi_events type. */
export const KASPI_NOTIFY_TYPES = [
  'new_order',
  'cancellation',
  'return',
  'price_floor',
  'lost_first_place',
  'price_refused',
  'store_paused',
  'access_refused',
  'scrape_failing',
  'layout_changed',
  'cancel_share',
  'job_failing',
] as const;

/** Every notification type of either marketplace. */
export const NOTIFY_TYPES = [...new Set([...WB_NOTIFY_TYPES, ...KASPI_NOTIFY_TYPES])] as readonly NotifyType[];
export type NotifyType = (typeof WB_NOTIFY_TYPES)[number] | (typeof KASPI_NOTIFY_TYPES)[number];

/** The types a recipient of this marketplace can receive (and switch). */
export function typesFor(marketplace: Marketplace): readonly NotifyType[] {
  return marketplace === 'kaspi' ? KASPI_NOTIFY_TYPES : WB_NOTIFY_TYPES;
}

export type Channel = 'telegram' | 'webhook';
export type Lang = 'ru' | 'en';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'dead';

/** A recipient's settings (one row of notify_recipients). */
export interface RecipientSettings {
  enabled: boolean;
  types: NotifyType[];
  reviewThreshold: number;
  stockThreshold: number;
  /** More than this many events of one type in one sync become one digest (0 = never group). */
  groupThreshold: number;
  /** `HH:MM` wall-clock times in `timeZone`, both set or both null. */
  quietStart: string | null;
  quietEnd: string | null;
  timeZone: string;
  lang: Lang;
}

export const DEFAULT_SETTINGS: RecipientSettings = {
  enabled: true,
  types: [...WB_NOTIFY_TYPES],
  reviewThreshold: 3,
  stockThreshold: 2,
  groupThreshold: 5,
  quietStart: null,
  quietEnd: null,
  timeZone: 'Europe/Moscow',
  lang: 'ru',
};

/** One row of wb_events as fan-out reads it. */
export interface WbEvent {
  id: string;
  cabinet_id: string;
  type: string;
  event_key: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
  created_at: Date;
}

/**
 * What an outbox row carries: the events it reports (one, or several for a digest), and the cabinet
 * (WB) or store (Kaspi) they happened in. Rows written before Kaspi stores had no `marketplace`: WB.
 */
export interface NotificationPayload {
  type: NotifyType;
  marketplace?: Marketplace;
  cabinet?: { id: string; name?: string | null };
  store?: { id: string; name?: string | null; merchant_id?: string | null };
  events: { id: string; key: string; occurred_at: string; data: Record<string, unknown> }[];
  digest?: boolean;
  sample?: boolean;
}

/** The marketplace of a payload (rows from before sql/0020 are WB's). */
export function payloadMarketplace(p: Pick<NotificationPayload, 'marketplace'>): Marketplace {
  return p.marketplace ?? 'wb';
}
