-- The version of a store's orders (sql/0030) moves off kaspi_stores into a table of its own, and is
-- bumped only by statements that changed something.
--
-- As kaspi_stores.orders_version, every bump was an UPDATE of the store's row: an orders sync held that
-- row's lock until it committed, so every other writer of the store (settings, tokens, pauses, the
-- demper, `mp kaspi store …`) waited for the whole sync, and a transaction updating the store and then
-- its orders could deadlock with a sync. A bump now locks the store's row of kaspi_orders_versions,
-- which only these triggers write: two transactions writing one store's orders still take turns at
-- it (each bump adds one to the committed version, so a version is never seen twice for different
-- orders), reads never wait.
--
-- No foreign key to kaspi_stores: deleting a store deletes its orders by cascade, and that delete's
-- trigger bumps the deleted store's version; with a cascading key on this table too, whether the bump
-- found its row or inserted one for a store already gone (and failed) would depend on the order in
-- which the two cascades fire. A deleted store's row stays behind (16 bytes): store ids are identities,
-- never reused. A store without a row has version 0 (what the REST API reads); never delete rows here.
create table kaspi_orders_versions (
  store_id bigint primary key,
  version bigint not null
);

insert into kaspi_orders_versions (store_id, version)
  select id, orders_version from kaspi_stores where orders_version <> 0;

-- The same triggers (sql/0030: statement-level, over the transition tables) call the new body.
-- A statement bumps the stores whose rows it changed:
--   * an update counts a row only when it differs from its old row in more than synced_at (the sync's
--     upsert rewrites every order of its overlap, unchanged ones with a new synced_at only), compared by
--     the rows' binary images (*<>, as REFRESH MATERIALIZED VIEW CONCURRENTLY does: 7 → 7.0 is a change,
--     the page shows it); rows are paired by id, a row without a pair counts;
--   * a statement that changed no row (update … where false, an upsert that inserted or changed
--     nothing) bumps nothing and writes nothing.
create or replace function kaspi_orders_bump_version() returns trigger language plpgsql as $$
declare
  stores bigint[];
begin
  if tg_table_name = 'kaspi_orders' then
    if tg_op = 'INSERT' then
      select array_agg(distinct store_id) into stores from new_rows;
    elsif tg_op = 'DELETE' then
      select array_agg(distinct store_id) into stores from old_rows;
    else
      -- An order moved to another store: both stores.
      select array_agg(distinct s) into stores
      from (select n.store_id as new_store, o.store_id as old_store
            from new_rows n full join old_rows o on o.id = n.id
            where n.id is null or o.id is null
              or n *<> jsonb_populate_record(o, jsonb_build_object('synced_at', n.synced_at))) c,
           unnest(array[c.new_store, c.old_store]) s
      where s is not null;
    end if;
  else
    -- Entries: the stores of their orders (an entry deleted with its order: the order's delete bumps).
    if tg_op = 'INSERT' then
      select array_agg(distinct o.store_id) into stores from kaspi_orders o where o.id in (select order_id from new_rows);
    elsif tg_op = 'DELETE' then
      select array_agg(distinct o.store_id) into stores from kaspi_orders o where o.id in (select order_id from old_rows);
    else
      select array_agg(distinct k.store_id) into stores from kaspi_orders k
      where k.id in (select x from (select n.order_id as new_order, o.order_id as old_order
                                    from new_rows n full join old_rows o on o.id = n.id
                                    where n.id is null or o.id is null or n *<> o) c,
                                   unnest(array[c.new_order, c.old_order]) x);
    end if;
  end if;
  if stores is null then
    return null;
  end if;
  -- In store order: statements bumping the same stores take their rows' locks in the same order.
  insert into kaspi_orders_versions as v (store_id, version)
    select s, 1 from unnest(stores) s order by s
  on conflict (store_id) do update set version = v.version + 1;
  return null;
end
$$;

alter table kaspi_stores drop column orders_version;
