import type { Generated } from 'kysely';

/** Tables of sql/0004_payouts.sql and sql/0012_payout_deleted_keys.sql. */
export interface PayoutTables {
  payouts: PayoutsTable;
  payout_events: PayoutEventsTable;
  payout_deleted_keys: PayoutDeletedKeysTable;
}

export type PayoutStatus = 'NEW' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
export type PayoutCurrency = 'RUB' | 'USD' | 'EUR';

export interface PayoutsTable {
  id: Generated<string>;
  seq: Generated<string>;
  /** numeric(15,2) as a decimal string. */
  amount: string;
  currency: string;
  /** Sealed with the secret key (sql/0022); older rows are plain until a worker seals them. */
  recipient: string;
  /** `****1234`: what listings show (null on rows not yet sealed). */
  recipient_masked: string | null;
  comment: string | null;
  status: Generated<string>;
  attempts: Generated<number>;
  last_error: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  locked_by: string | null;
  locked_until: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  processed_at: Date | null;
  /** The mp user who created it (sql/0018); null for older payouts, which every user sees. */
  owner_id: string | null;
}

export interface PayoutEventsTable {
  id: Generated<string>;
  payout_id: string;
  from_status: string | null;
  to_status: string;
  at: Generated<Date>;
  worker: string | null;
  detail: string | null;
}

/** The idempotency key of a deleted payout: never reused for a new one. */
export interface PayoutDeletedKeysTable {
  idempotency_key: string;
  payout_id: string;
  deleted_at: Generated<Date>;
}
