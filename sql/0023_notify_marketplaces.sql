-- Notifications for the whole shop (issue 18): a recipient subscribes to a WB cabinet or a Kaspi
-- store; Kaspi operations write kaspi_events (the Kaspi twin of wb_events) in the transaction that
-- stores the change; WB gets account events (token expiring or refused, a job failing); health
-- levels remember which threshold a metric last crossed, so an alert goes out once per crossing.

-- A recipient (and each of its notifications) belongs to exactly one cabinet or one Kaspi store.
alter table notify_recipients alter column cabinet_id drop not null;
alter table notify_recipients add column kaspi_store_id bigint references kaspi_stores (id) on delete cascade;
alter table notify_recipients add constraint notify_recipients_subject_check check ((cabinet_id is null) <> (kaspi_store_id is null));
create unique index notify_recipients_store_chat_idx on notify_recipients (kaspi_store_id, chat_id) where channel = 'telegram';
create unique index notify_recipients_store_webhook_idx on notify_recipients (kaspi_store_id, webhook_url) where channel = 'webhook';
-- The account alerts are new types: recipients from before get them too (they can switch them off).
alter table notify_recipients alter column types set default
  '{new_order,cancellation,buyout,return,negative_review,critical_stock,sync_gap,token_expiring,access_refused,job_failing}';
update notify_recipients set types = types || '{token_expiring,access_refused,job_failing}'::text[];

alter table notify_outbox alter column cabinet_id drop not null;
alter table notify_outbox add column kaspi_store_id bigint references kaspi_stores (id) on delete cascade;
-- `mp notify dead` lists these newest first.
create index notify_outbox_dead_idx on notify_outbox (id) where status = 'dead';

-- WB account events: the token expires in 14 or 3 days (once per token and stage), WB refused it
-- (401, once per token), a scheduled job failed 3 runs in a row.
alter table wb_events drop constraint wb_events_type_check;
alter table wb_events add constraint wb_events_type_check check (type in (
  'new_order', 'cancellation', 'buyout', 'return', 'new_review', 'stock_change', 'sync_gap',
  'token_expiring', 'access_refused', 'job_failing'));

-- What happened in a Kaspi store, written by the operation that saw it (orders sync, repricer run,
-- scrape, a scheduled job) in the same transaction; dedup_key makes a repeat a no-op. Fan-out sets
-- fanned_at in the transaction that writes the notifications.
create table kaspi_events (
  id bigint generated always as identity primary key,
  store_id bigint not null references kaspi_stores (id) on delete cascade,
  type text not null check (type in (
    'new_order', 'cancellation', 'return', 'price_floor', 'lost_first_place', 'price_refused', 'store_paused',
    'access_refused', 'scrape_failing', 'layout_changed', 'cancel_share', 'job_failing')),
  event_key text not null,
  dedup_key text not null unique,
  occurred_at timestamptz not null,
  payload jsonb not null default '{}',
  created_at timestamptz not null default now(),
  fanned_at timestamptz
);
create index kaspi_events_store_idx on kaspi_events (store_id, id);
create index kaspi_events_unfanned_idx on kaspi_events (id) where fanned_at is null;

-- The level a health metric was at when last checked ('kaspi:<store id>:cancel_share'): an alert is
-- written when the level rises past a threshold, not on every check above it.
create table notify_health (
  subject text primary key,
  level text not null check (level in ('ok', 'warning', 'critical')),
  value numeric,
  -- How many times the level rose (part of the alert's dedup key: each crossing alerts once).
  crossings integer not null default 0,
  updated_at timestamptz not null default now()
);
