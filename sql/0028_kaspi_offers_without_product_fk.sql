-- kaspi_offers are written only by the statement that inserts or updates their product in the same
-- transaction, with the product row inserted or locked (src/kaspi/offer.repository.ts), so the
-- foreign key to kaspi_products checked what that statement already guarantees, at a price: one
-- referential-integrity query per inserted offer (150 on a product's first scrape), ~12% of
-- PostgreSQL's CPU per product in `npm run bench -- kaspi` (perf: AfterTriggerEndQuery →
-- SPI_execute_snapshot). Nothing in mp deletes products; as with kaspi_offer_history (0010), offers
-- are kept (not cascaded) if someone does by hand. The unique (product_id, merchant_id) index stays.
alter table kaspi_offers drop constraint kaspi_offers_product_id_fkey;
