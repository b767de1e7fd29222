-- Idempotency keys of deleted payouts. Deleting a NEW or CANCELLED payout removes its row, and with
-- it the unique index entry that made a retried create return that payout: a late retry of the
-- original request would then create a second payout. The key stays here instead, so a create with
-- it is refused (PAYOUT_IDEMPOTENCY_KEY_DELETED, HTTP 409) and the client has to choose a new key.
create table payout_deleted_keys (
  idempotency_key text primary key,
  payout_id uuid not null,
  deleted_at timestamptz not null default now()
);
