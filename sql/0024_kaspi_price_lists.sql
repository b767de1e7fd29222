-- The Kaspi price list that Kaspi receives (issue 20): `mp serve` publishes each store's list for
-- Kaspi's loader to fetch, priced per city, with stock per point of sale.

-- A store's cities (null = its one city_id); the first is its home city (city_id). The secret path
-- of its price list (for loaders that take only a URL): looked up by the token's SHA-256, the token
-- itself sealed with the secret key (src/core/secrets.ts) so `mp demper price-list url` can show it.
alter table kaspi_stores
  add column cities text[],
  add column price_list_token_hash text,
  add column price_list_token_encrypted text;
create unique index kaspi_stores_price_list_token_idx on kaspi_stores (price_list_token_hash) where price_list_token_hash is not null;

-- Per product and city: the repricer's state in a city other than the home one (the home city's is
-- demper_products.price / last_*), and in every city the price the served list carries (set by
-- `mp demper run --apply --via xml`, never by a dry run). Whole tenge, checked like 0014.
create table demper_city_prices (
  demper_product_id bigint not null references demper_products (id) on delete cascade,
  city_id text not null,
  price numeric,
  list_price numeric,
  list_price_at timestamptz,
  last_reason text,
  last_checked_at timestamptz,
  last_raised_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (demper_product_id, city_id),
  constraint demper_city_prices_price_scale check (scale(price) = 0 and price >= 10 and price < 1e14),
  constraint demper_city_prices_list_price_scale check (scale(list_price) = 0 and list_price >= 10 and list_price < 1e14)
);

-- The city a decision was made for (null: rows from before cities, the store's city).
alter table price_changes add column city_id text;

-- Stock per point of sale (`mp demper stock import`), by SKU: a SKU not under management yet keeps its
-- rows for when it is.
create table demper_stock (
  store_id bigint not null references kaspi_stores (id) on delete cascade,
  sku text not null,
  point text not null,
  stock integer not null,
  updated_at timestamptz not null default now(),
  primary key (store_id, sku, point),
  constraint demper_stock_count check (stock >= 0)
);

-- Every distinct price list served (content hash → the time it first went out: Last-Modified), with
-- its counts for the shrink guard; `accepted` marks one the seller let past the guard.
create table kaspi_price_list_versions (
  id bigint generated always as identity primary key,
  store_id bigint not null references kaspi_stores (id) on delete cascade,
  content_hash text not null,
  offer_count integer not null,
  available_count integer not null,
  accepted boolean not null default false,
  created_at timestamptz not null default now()
);
create index kaspi_price_list_versions_store_idx on kaspi_price_list_versions (store_id, id);

-- Every fetch of a price list: who (address, user agent, how it authenticated), when, the status.
create table kaspi_price_list_fetches (
  id bigint generated always as identity primary key,
  store_id bigint references kaspi_stores (id) on delete cascade,
  merchant_id text,
  at timestamptz not null default now(),
  status integer not null,
  via text not null,
  client text,
  user_agent text,
  detail text
);
create index kaspi_price_list_fetches_store_idx on kaspi_price_list_fetches (store_id, at);
create index kaspi_price_list_fetches_at_idx on kaspi_price_list_fetches (at);
