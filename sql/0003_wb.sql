-- Wildberries: users and cabinets, per-stream sync state and runs, the synced data (orders by srid,
-- sales by saleID, stocks, reviews, cards) and the events the notifier fans out.

-- People who use mp. The CLI's current user is MP_USER or the OS user name; the notifier links
-- Telegram chats to them.
create table mp_users (
  id bigint generated always as identity primary key,
  name text not null,
  telegram_id bigint unique,
  created_at timestamptz not null default now()
);
create index mp_users_name_idx on mp_users (name);

create table wb_cabinets (
  id bigint generated always as identity primary key,
  name text not null unique,
  -- AES-GCM sealed token (encryptSecret); token_hash finds "this token is already stored".
  token_sealed text not null,
  token_hash text not null unique,
  token_last4 text not null,
  token_expires_at timestamptz,
  token_categories text[] not null default '{}',
  seller_name text,
  seller_sid text,
  trade_mark text,
  status text not null default 'active' check (status in ('active', 'unauthorized', 'disabled')),
  status_detail text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table wb_cabinet_users (
  cabinet_id bigint not null references wb_cabinets (id) on delete cascade,
  user_id bigint not null references mp_users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (cabinet_id, user_id)
);

-- One row per cabinet and stream: where the next request starts and when it may be sent.
create table wb_sync_state (
  cabinet_id bigint not null references wb_cabinets (id) on delete cascade,
  stream text not null check (stream in ('orders', 'sales', 'stocks', 'reviews', 'cards')),
  cursor text,
  next_allowed_at timestamptz,
  last_success_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (cabinet_id, stream)
);

create table wb_sync_runs (
  id bigint generated always as identity primary key,
  cabinet_id bigint not null references wb_cabinets (id) on delete cascade,
  stream text not null,
  initial boolean not null default false,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  rows_new integer not null default 0,
  rows_updated integer not null default 0,
  requests integer not null default 0,
  status text not null default 'running' check (status in ('running', 'ok', 'skipped', 'failed')),
  error_code text,
  error text
);
create index wb_sync_runs_cabinet_idx on wb_sync_runs (cabinet_id, stream, started_at desc);

-- An order's identity is srid (one row = one unit); g_number is the cart shared by several rows.
create table wb_orders (
  cabinet_id bigint not null references wb_cabinets (id) on delete cascade,
  srid text not null,
  g_number text,
  order_date timestamptz not null,
  last_change_date timestamptz not null,
  warehouse_name text,
  warehouse_type text,
  country_name text,
  oblast_okrug_name text,
  region_name text,
  supplier_article text,
  nm_id bigint not null,
  barcode text,
  category text,
  subject text,
  brand text,
  tech_size text,
  income_id bigint,
  is_supply boolean,
  is_realization boolean,
  total_price numeric not null default 0,
  discount_percent numeric not null default 0,
  spp numeric not null default 0,
  finished_price numeric not null default 0,
  price_with_disc numeric not null default 0,
  is_cancel boolean not null default false,
  cancel_date timestamptz,
  sticker text,
  first_seen_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (cabinet_id, srid)
);
create index wb_orders_date_idx on wb_orders (cabinet_id, order_date);
create index wb_orders_nm_idx on wb_orders (cabinet_id, nm_id);

-- saleID S… is a buyout, R… a return; amounts on returns may be negative.
create table wb_sales (
  cabinet_id bigint not null references wb_cabinets (id) on delete cascade,
  sale_id text not null,
  kind text not null check (kind in ('buyout', 'return', 'other')),
  srid text,
  g_number text,
  sale_date timestamptz not null,
  last_change_date timestamptz not null,
  warehouse_name text,
  warehouse_type text,
  country_name text,
  oblast_okrug_name text,
  region_name text,
  supplier_article text,
  nm_id bigint not null,
  barcode text,
  category text,
  subject text,
  brand text,
  tech_size text,
  income_id bigint,
  is_supply boolean,
  is_realization boolean,
  total_price numeric not null default 0,
  discount_percent numeric not null default 0,
  spp numeric not null default 0,
  payment_sale_amount numeric not null default 0,
  for_pay numeric not null default 0,
  finished_price numeric not null default 0,
  price_with_disc numeric not null default 0,
  sticker text,
  first_seen_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (cabinet_id, sale_id)
);
create index wb_sales_date_idx on wb_sales (cabinet_id, sale_date);
create index wb_sales_nm_idx on wb_sales (cabinet_id, nm_id);
create index wb_sales_srid_idx on wb_sales (cabinet_id, srid);

-- The current stock snapshot: one row per product, size and warehouse.
create table wb_stocks (
  cabinet_id bigint not null references wb_cabinets (id) on delete cascade,
  nm_id bigint not null,
  size text not null,
  warehouse_name text not null,
  chrt_id bigint,
  warehouse_id bigint,
  region_name text,
  quantity integer not null default 0,
  in_way_to_client integer not null default 0,
  in_way_from_client integer not null default 0,
  updated_at timestamptz not null default now(),
  primary key (cabinet_id, nm_id, size, warehouse_name)
);

create table wb_reviews (
  cabinet_id bigint not null references wb_cabinets (id) on delete cascade,
  review_id text not null,
  nm_id bigint not null,
  rating integer not null,
  text text,
  pros text,
  cons text,
  user_name text,
  product_name text,
  supplier_article text,
  size text,
  is_answered boolean not null default false,
  answer_text text,
  created_date timestamptz not null,
  first_seen_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (cabinet_id, review_id)
);
create index wb_reviews_nm_idx on wb_reviews (cabinet_id, nm_id);
create index wb_reviews_date_idx on wb_reviews (cabinet_id, created_date);

create table wb_cards (
  cabinet_id bigint not null references wb_cabinets (id) on delete cascade,
  nm_id bigint not null,
  imt_id bigint,
  vendor_code text,
  brand text,
  title text,
  subject_name text,
  photo_url text,
  -- [{chrtID, techSize, wbSize, skus}]: maps the stock report's chrtId to a size.
  sizes jsonb not null default '[]',
  card_updated_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (cabinet_id, nm_id)
);

-- The outbox of things that happened, written in the same transaction as the rows and the cursor.
-- dedup_key = '<cabinet_id>:<type>:<event_key>' makes a re-run (or a restart) never repeat one.
create table wb_events (
  id bigint generated always as identity primary key,
  cabinet_id bigint not null references wb_cabinets (id) on delete cascade,
  type text not null check (type in ('new_order', 'cancellation', 'buyout', 'return', 'new_review', 'stock_change', 'sync_gap')),
  event_key text not null,
  dedup_key text not null unique,
  occurred_at timestamptz not null,
  payload jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index wb_events_cabinet_idx on wb_events (cabinet_id, id);
