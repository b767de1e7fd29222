// The vocabulary of notifications: which event types exist, which a user can switch, and a
// recipient's settings as the services see them.

/** Types the WB sync writes to `wb_events`. */
export const WB_EVENT_TYPES = ['new_order', 'cancellation', 'buyout', 'return', 'new_review', 'stock_change', 'sync_gap'] as const;
export type WbEventType = (typeof WB_EVENT_TYPES)[number];

/** Types a recipient is notified about (a new review only when negative, a stock change only when critical). */
export const NOTIFY_TYPES = ['new_order', 'cancellation', 'buyout', 'return', 'negative_review', 'critical_stock', 'sync_gap'] as const;
export type NotifyType = (typeof NOTIFY_TYPES)[number];

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
  types: [...NOTIFY_TYPES],
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

/** What an outbox row carries: the events it reports (one, or several for a digest). */
export interface NotificationPayload {
  type: NotifyType;
  cabinet: { id: string; name?: string | null };
  events: { id: string; key: string; occurred_at: string; data: Record<string, unknown> }[];
  digest?: boolean;
  sample?: boolean;
}
