-- kaspi_offer_history (offer_id) served the foreign key's cascade from kaspi_offers, dropped in 0010.
-- Nothing reads history by offer id alone (history, demper and export join it to kaspi_offers by
-- kaspi_offers.id, or filter by product and time, which have their own indexes), so the index only
-- cost one more index insertion per history row: 150 on a product's first scrape.
drop index if exists kaspi_offer_history_offer;
