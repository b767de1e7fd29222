-- The orders page (GET /api/v1/kaspi/stores/{store}/orders, `mp kaspi orders`) is ordered by
-- created_at desc, id desc and counts the orders of its window: with id in the index the page is a
-- backward index scan with no sort of the skipped rows, and the count an index-only scan. It replaces
-- the (store_id, created_at) index, which every query using it can use this one for.
create index kaspi_orders_store_created_id_idx on kaspi_orders (store_id, created_at, id);
drop index kaspi_orders_store_created_idx;
