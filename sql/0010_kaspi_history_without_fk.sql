-- kaspi_offer_history is an append-only log written only by the statement that writes the offers it
-- refers to (src/kaspi/offer.repository.ts), so its two foreign keys checked what that statement
-- already guarantees, at a price: one referential-integrity check per history row (150 on a
-- product's first scrape) took about a third of PostgreSQL's CPU per product in `npm run bench --
-- kaspi`. Nothing in mp deletes products or offers; history rows are kept (not cascaded) if someone
-- does by hand. kaspi_offers keeps its foreign key to kaspi_products.
alter table kaspi_offer_history drop constraint kaspi_offer_history_offer_id_fkey;
alter table kaspi_offer_history drop constraint kaspi_offer_history_product_id_fkey;
