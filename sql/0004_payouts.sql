-- Payout requests and their audit trail. A payout is created NEW, claimed by a worker
-- (PROCESSING with a lease in locked_until), and ends COMPLETED, FAILED or CANCELLED.
create table payouts (
  id uuid primary key default gen_random_uuid(),
  -- Keyset pagination order for lists (exact, unlike timestamps that lose microseconds in JS).
  seq bigint generated always as identity unique,
  amount numeric(15, 2) not null check (amount >= 0.01 and amount <= 1000000000000),
  currency text not null check (currency in ('RUB', 'USD', 'EUR')),
  recipient text not null check (char_length(btrim(recipient)) between 1 and 255),
  comment text check (char_length(comment) <= 1000),
  status text not null default 'NEW' check (status in ('NEW', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  attempts integer not null default 0 check (attempts >= 0),
  last_error text,
  idempotency_key text check (char_length(idempotency_key) between 1 and 255),
  -- sha256 of the normalised create request: the same key with another body is a conflict.
  request_hash text,
  -- The worker holding the lease, and when the lease (or a retry back-off) ends.
  locked_by text,
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  processed_at timestamptz,
  check ((status = 'PROCESSING') = (locked_until is not null)),
  check ((idempotency_key is null) = (request_hash is null))
);

-- Few indexes on purpose: every status change is a non-HOT update that touches each of them.
-- Workers claim from the two partial indexes only, which stay small however long the history is.
create unique index payouts_idempotency_key_idx on payouts (idempotency_key) where idempotency_key is not null;
create index payouts_new_idx on payouts (created_at) where status = 'NEW';
create index payouts_lease_idx on payouts (locked_until) where status = 'PROCESSING';

-- Every status change (and edits, deletions) of a payout. No foreign key on purpose: the trail
-- outlives a deleted payout.
create table payout_events (
  id bigint generated always as identity primary key,
  payout_id uuid not null,
  from_status text check (from_status in ('NEW', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  to_status text not null check (to_status in ('NEW', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED', 'DELETED')),
  at timestamptz not null default now(),
  worker text,
  detail text
);

create index payout_events_payout_idx on payout_events (payout_id, id);
