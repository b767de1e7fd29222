-- Our own offer's price on Kaspi when the repricer decided (from the offers answer), beside the stored
-- old_price: a difference means the price was changed in the cabinet or Kaspi did not take an update.
-- The decision starts from this live price; null = our offer was not in the answer (then old_price).
-- Whole tenge, checked like old_price (0014: a numeric(p, s) column would round before any check).
alter table price_changes add column live_price numeric;
alter table price_changes add constraint price_changes_live_price_scale check (scale(live_price) = 0 and abs(live_price) < 1e14);
