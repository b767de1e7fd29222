-- Repricing ("demper") and preorders: the seller's Kaspi stores with their encrypted merchant-cabinet
-- session or Shop API token, the products under price management, every pricing decision, the XML
-- price lists written, and the preorder rows behind Kaspi's Excel template.

create table kaspi_stores (
  id bigint generated always as identity primary key,
  merchant_id text not null unique,
  name text not null,
  city_id text not null default '750000000',
  -- AES-GCM sealed (src/core/secrets.ts); never stored or printed in clear.
  session_encrypted text,
  token_encrypted text,
  -- The phone or e-mail used by `mp demper store login`, so `check` can print the renew command.
  login text,
  session_checked_at timestamptz,
  session_valid boolean,
  -- A 429 from the price endpoint bans the merchant account for ~30 minutes: no calls until then.
  paused_until timestamptz,
  pause_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table demper_products (
  id bigint generated always as identity primary key,
  store_id bigint not null references kaspi_stores (id) on delete cascade,
  sku text not null,
  product_id text not null,
  name text not null default '',
  brand text not null default '',
  -- Whole tenge.
  price numeric(14, 0),
  min_price numeric(14, 0) not null,
  max_price numeric(14, 0) not null,
  step numeric(14, 0) not null default 1,
  strategy text not null default 'undercut',
  top_n integer,
  enabled boolean not null default true,
  last_checked_at timestamptz,
  last_reason text,
  last_raised_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (store_id, sku),
  constraint demper_products_bounds check (min_price >= 10 and min_price <= max_price and step >= 1),
  constraint demper_products_strategy check (strategy in ('undercut', 'match', 'top-n', 'hold'))
);

create index demper_products_product_idx on demper_products (product_id);

create table price_changes (
  id bigint generated always as identity primary key,
  run_id text not null,
  store_id bigint not null references kaspi_stores (id) on delete cascade,
  demper_product_id bigint references demper_products (id) on delete set null,
  sku text not null,
  product_id text not null,
  old_price numeric(14, 0),
  new_price numeric(14, 0),
  competitor_price numeric(14, 2),
  competitor_merchant text,
  reason text not null,
  -- dry-run | applied | failed | skipped | xml
  mode text not null,
  error text,
  created_at timestamptz not null default now()
);

create index price_changes_store_created_idx on price_changes (store_id, created_at);
create index price_changes_run_idx on price_changes (run_id);

create table demper_xml_feeds (
  id bigint generated always as identity primary key,
  store_id bigint not null references kaspi_stores (id) on delete cascade,
  path text not null,
  offer_count integer not null,
  created_at timestamptz not null default now()
);

create index demper_xml_feeds_store_idx on demper_xml_feeds (store_id, id);

create table preorders (
  id bigint generated always as identity primary key,
  store_id bigint not null references kaspi_stores (id) on delete cascade,
  sku text not null,
  model text not null,
  brand text not null default '',
  price numeric(14, 0) not null,
  -- A stock number or yes/no per pickup point, as in Kaspi's template; null = empty cell.
  pp1 text,
  pp2 text,
  pp3 text,
  pp4 text,
  pp5 text,
  preorder_days integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (store_id, sku),
  constraint preorders_days check (preorder_days between 0 and 30),
  constraint preorders_price check (price >= 10)
);
