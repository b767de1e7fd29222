-- Unit costs with history (`mp costs`): what one unit of a product costs the seller, from a date on,
-- so last month's profit uses last month's cost. `product` is what the seller knows the product by:
-- on Kaspi the product code or the merchant SKU, on WB the nmId or the vendor code. The optional
-- commission (percent of the price) overrides the shipped Kaspi category table for the product; the
-- optional delivery is the seller's per-unit delivery cost where the marketplace does not report one.
-- Amounts are plain numeric with scale checks (as 0014: numeric(p, s) would round silently).
create table unit_costs (
  id bigint generated always as identity primary key,
  marketplace text not null check (marketplace in ('kaspi', 'wb')),
  product text not null check (product <> ''),
  valid_from date not null,
  cost numeric not null check (cost >= 0 and cost < 1e12 and scale(cost) <= 2),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  commission_pct numeric check (commission_pct >= 0 and commission_pct < 100 and scale(commission_pct) <= 4),
  delivery numeric check (delivery >= 0 and delivery < 1e12 and scale(delivery) <= 2),
  -- `import <file>` or `set`: where the row came from.
  source text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (marketplace, product, valid_from)
);

-- The repricer's margin floor: the lowest price keeping this margin (percent of the price) after
-- commission and cost; null = the store-wide default (`--min-margin`, `demper.minMargin`), if any.
alter table demper_products add column min_margin_pct numeric
  check (min_margin_pct >= 0 and min_margin_pct < 100 and scale(min_margin_pct) <= 2);

-- Kaspi order figures profit needs: what Kaspi charges the seller for delivery (`deliveryCostForSeller`;
-- `delivery_cost` is the buyer's `deliveryCost`), and each entry's category (`category {code, title}`),
-- which picks the commission rate when the product's category path is not scraped.
alter table kaspi_orders add column delivery_cost_for_seller numeric
  check (delivery_cost_for_seller >= 0 and delivery_cost_for_seller < 1e12 and scale(delivery_cost_for_seller) <= 2);
alter table kaspi_order_entries add column category_code text, add column category_title text;
