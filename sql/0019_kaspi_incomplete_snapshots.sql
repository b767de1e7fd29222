-- A scrape that could not see everything is stored as incomplete, never as fact (issue 15):
-- * offers_status 'incomplete': Kaspi's pages gave fewer offers than its own `total`; the stored
--   offers, prices and seller count stay those of the last complete list (no offer "disappears").
-- * incomplete_fields: what the last scrape could not observe and kept from the row ('offers',
--   or a field whose place on the page is gone: 'description', 'category', 'photos', 'brand').
alter table kaspi_products drop constraint kaspi_products_offers_status_check;
alter table kaspi_products add constraint kaspi_products_offers_status_check
  check (offers_status in ('ok', 'none', 'unknown', 'incomplete'));
alter table kaspi_products add column incomplete_fields text[] not null default '{}';

-- Product URLs in the one canonical form mp now stores, prints and exports, and reads back:
-- https://kaspi.kz/shop/p/<slug>-<id>/. Rows written before took the page's shopLink, which is
-- relative to /shop/ (giving https://kaspi.kz/p/…, a URL mp refused), or carried the base URL mp
-- fetched from and ?c=. Rewritten here rather than on the next scrape: products no longer tracked
-- are never scraped again, yet products.json and `mp export` keep listing them.
update kaspi_products p set url = 'https://kaspi.kz/shop/p/' || coalesce(
  (select s.segment from (select substring(p.url from '/p/([A-Za-z0-9._~%-]+)') as segment) s
    where lower(s.segment) = lower(p.kaspi_id) or lower(right(s.segment, length(p.kaspi_id) + 1)) = '-' || lower(p.kaspi_id)),
  '-' || p.kaspi_id) || '/'
where p.url is distinct from 'https://kaspi.kz/shop/p/' || coalesce(
  (select s.segment from (select substring(p.url from '/p/([A-Za-z0-9._~%-]+)') as segment) s
    where lower(s.segment) = lower(p.kaspi_id) or lower(right(s.segment, length(p.kaspi_id) + 1)) = '-' || lower(p.kaspi_id)),
  '-' || p.kaspi_id) || '/';
