-- A preorder row of a SKU under price management keeps no price of its own: the template file takes
-- the managed product's current price (demper_products.price), so `mp preorders upload` never pushes
-- back a price the repricer has since changed. null = "the managed product's price"; a row of an
-- unmanaged SKU still needs its own (checked where rows are written and when the file is built).
alter table preorders alter column price drop not null;
