-- Kaspi shop orders from the official Shop API (reference/kaspi.md §5): one row per order and per
-- order entry, keyed by Kaspi's own ids within a store, and the per-store sync cursor.

create table kaspi_orders (
  id bigint generated always as identity primary key,
  store_id bigint not null references kaspi_stores (id) on delete cascade,
  -- The JSON:API resource id (what /orders/{id}/entries takes); `code` is the number people see.
  kaspi_order_id text not null,
  code text not null,
  state text not null,
  status text not null,
  total_price numeric(14, 2) not null,
  delivery_cost numeric(14, 2),
  payment_mode text,
  delivery_mode text,
  kaspi_delivery boolean,
  planned_delivery_date timestamptz,
  -- Kaspi's creationDate and approvedByBankDate (ms in the API), stored in UTC.
  created_at timestamptz not null,
  approved_at timestamptz,
  pre_order boolean not null default false,
  pickup_point_id text,
  city text,
  -- Personal data: written only by `sync --with-customers`, masked in every output.
  customer_name text,
  customer_phone text,
  first_synced_at timestamptz not null default now(),
  synced_at timestamptz not null default now(),
  unique (store_id, kaspi_order_id)
);

create index kaspi_orders_store_created_idx on kaspi_orders (store_id, created_at);

create table kaspi_order_entries (
  id bigint generated always as identity primary key,
  order_id bigint not null references kaspi_orders (id) on delete cascade,
  entry_number integer not null,
  product_code text not null,
  product_name text not null,
  quantity integer not null,
  base_price numeric(14, 2) not null,
  total_price numeric(14, 2) not null,
  unique (order_id, entry_number)
);

create index kaspi_order_entries_product_idx on kaspi_order_entries (product_code);

create table kaspi_order_sync (
  store_id bigint primary key references kaspi_stores (id) on delete cascade,
  -- The end of the last window written; the next run starts here minus the overlap.
  synced_until timestamptz not null,
  last_run_at timestamptz not null,
  orders_total bigint not null default 0
);
