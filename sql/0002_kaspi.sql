-- Kaspi product tracking (`mp kaspi scrape`): one row per product and city, a history row per
-- observed change, the competitor offers per merchant with their own history, and the tracked list.
-- Ids from Kaspi are text (merchant ids can be non-numeric, product ids can carry a letter suffix).

create table kaspi_products (
  id bigint generated always as identity primary key,
  kaspi_id text not null,
  city_id text not null,
  name text not null,
  description_text text,
  description_html text,
  -- Leaf category, and the full path root → leaf.
  category text,
  category_path text[] not null default '{}',
  brand text,
  -- Across all offers; null when the offers are unknown or there are none.
  min_price numeric,
  max_price numeric,
  rating numeric,
  review_count integer,
  seller_count integer,
  -- 'ok': offers read; 'none': no sellers; 'unknown': the offers API said [] although the page
  -- lists sellers (a wrong id or a silent block), which must never read as "no competitors".
  offers_status text not null default 'ok' check (offers_status in ('ok', 'none', 'unknown')),
  photos text[] not null default '{}',
  url text not null,
  first_seen_at timestamptz not null default now(),
  last_checked_at timestamptz not null default now(),
  last_changed_at timestamptz not null default now(),
  unique (kaspi_id, city_id)
);

-- A snapshot of the tracked fields, written on the first observation and on every change.
create table kaspi_product_history (
  id bigint generated always as identity primary key,
  product_id bigint not null references kaspi_products (id) on delete cascade,
  checked_at timestamptz not null,
  changed_fields text[] not null default '{}',
  name text not null,
  description_text text,
  category text,
  category_path text[] not null default '{}',
  brand text,
  min_price numeric,
  max_price numeric,
  rating numeric,
  review_count integer,
  seller_count integer,
  offers_status text not null,
  photos text[] not null default '{}'
);
create index kaspi_product_history_product_checked on kaspi_product_history (product_id, checked_at);
create index kaspi_product_history_checked on kaspi_product_history (checked_at);

create table kaspi_offers (
  id bigint generated always as identity primary key,
  product_id bigint not null references kaspi_products (id) on delete cascade,
  merchant_id text not null,
  merchant_name text not null,
  price numeric not null,
  merchant_rating numeric,
  merchant_review_count integer,
  delivery_type text,
  delivery_duration text,
  kaspi_delivery boolean,
  preorder_days integer,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  active boolean not null default true,
  unique (product_id, merchant_id)
);
-- The repricer looks up its own merchant's offers.
create index kaspi_offers_merchant on kaspi_offers (merchant_id);

create table kaspi_offer_history (
  id bigint generated always as identity primary key,
  product_id bigint not null references kaspi_products (id) on delete cascade,
  offer_id bigint not null references kaspi_offers (id) on delete cascade,
  merchant_id text not null,
  event text not null check (event in ('appeared', 'price_changed', 'disappeared')),
  old_price numeric,
  new_price numeric,
  created_at timestamptz not null default now()
);
-- Keyset paging by id uses the primary key; time windows (exports, "changes since") use these.
create index kaspi_offer_history_created on kaspi_offer_history (created_at, id);
create index kaspi_offer_history_product_created on kaspi_offer_history (product_id, created_at);
create index kaspi_offer_history_offer on kaspi_offer_history (offer_id);

create table kaspi_tracked (
  kaspi_id text not null,
  city_id text not null,
  added_at timestamptz not null default now(),
  primary key (kaspi_id, city_id)
);
