-- Money columns refuse a value with more decimal places than they hold instead of rounding it.
-- A numeric(p, s) column rounds on the way in (10.555 became 10.56, 10.5 tenge became 11) before any
-- CHECK runs, so the scale cannot be checked on such a column: the columns become plain numeric
-- with the same bounds as CHECKs, plus a scale check. Stored values keep their scale.
alter table payouts alter column amount type numeric;
alter table payouts add constraint payouts_amount_scale check (scale(amount) <= 2);

alter table demper_products
  alter column price type numeric,
  alter column min_price type numeric,
  alter column max_price type numeric,
  alter column step type numeric;
alter table demper_products
  add constraint demper_products_price_scale check (scale(price) = 0 and abs(price) < 1e14),
  add constraint demper_products_min_price_scale check (scale(min_price) = 0 and abs(min_price) < 1e14),
  add constraint demper_products_max_price_scale check (scale(max_price) = 0 and abs(max_price) < 1e14),
  add constraint demper_products_step_scale check (scale(step) = 0 and abs(step) < 1e14);

-- competitor_price keeps numeric(14, 2): it records what a rival showed (Kaspi prices are whole tenge),
-- nothing mp computes or pays, and its two-place display is part of the decision records.
alter table price_changes
  alter column old_price type numeric,
  alter column new_price type numeric;
alter table price_changes
  add constraint price_changes_old_price_scale check (scale(old_price) = 0 and abs(old_price) < 1e14),
  add constraint price_changes_new_price_scale check (scale(new_price) = 0 and abs(new_price) < 1e14);

alter table preorders alter column price type numeric;
alter table preorders add constraint preorders_price_scale check (scale(price) = 0 and abs(price) < 1e14);

alter table kaspi_orders
  alter column total_price type numeric,
  alter column delivery_cost type numeric;
alter table kaspi_orders
  add constraint kaspi_orders_total_price_scale check (scale(total_price) <= 2 and abs(total_price) < 1e12),
  add constraint kaspi_orders_delivery_cost_scale check (scale(delivery_cost) <= 2 and abs(delivery_cost) < 1e12);

alter table kaspi_order_entries
  alter column base_price type numeric,
  alter column total_price type numeric;
alter table kaspi_order_entries
  add constraint kaspi_order_entries_base_price_scale check (scale(base_price) <= 2 and abs(base_price) < 1e12),
  add constraint kaspi_order_entries_total_price_scale check (scale(total_price) <= 2 and abs(total_price) < 1e12);
