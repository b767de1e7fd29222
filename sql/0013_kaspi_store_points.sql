-- A store's enabled points of sale (PP1, PP2, …), read from the merchant cabinet at
-- `mp demper store login` or given with `mp demper store add --points`. The XML price list lists a
-- product without a preorder row as available at these points; null = not known (then PP1).
alter table kaspi_stores add column points text[];
