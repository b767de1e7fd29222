-- A per-store data version of the store's orders: every statement that inserts, updates or deletes
-- kaspi_orders or kaspi_order_entries rows bumps orders_version of the stores it touched, once per
-- statement (statement-level triggers over the transition tables, so a batch of 5,000 orders is one
-- bump). GET /api/v1/kaspi/stores/{store}/orders keeps rendered pages in memory and serves one only
-- while the store's version is the one the page was built at (and its time window still holds), so a
-- cached page is never stale. The bump runs in the writing transaction: version and rows commit together.
alter table kaspi_stores add column orders_version bigint not null default 0;

create function kaspi_orders_bump_version() returns trigger language plpgsql as $$
begin
  if tg_table_name = 'kaspi_orders' then
    if tg_op = 'DELETE' then
      update kaspi_stores s set orders_version = s.orders_version + 1 where s.id in (select store_id from old_rows);
    else
      -- An update may move an order to another store: the old rows' store is bumped by the update trigger too.
      update kaspi_stores s set orders_version = s.orders_version + 1 where s.id in (select store_id from new_rows);
      if tg_op = 'UPDATE' then
        update kaspi_stores s set orders_version = s.orders_version + 1
          where s.id in (select store_id from old_rows except select store_id from new_rows);
      end if;
    end if;
  else
    -- Entries: the stores of their orders (an entry deleted with its order: the order's delete bumps).
    if tg_op = 'DELETE' then
      update kaspi_stores s set orders_version = s.orders_version + 1
        where s.id in (select o.store_id from kaspi_orders o where o.id in (select order_id from old_rows));
    elsif tg_op = 'INSERT' then
      update kaspi_stores s set orders_version = s.orders_version + 1
        where s.id in (select o.store_id from kaspi_orders o where o.id in (select order_id from new_rows));
    else
      update kaspi_stores s set orders_version = s.orders_version + 1
        where s.id in (select o.store_id from kaspi_orders o
                       where o.id in (select order_id from new_rows union select order_id from old_rows));
    end if;
  end if;
  return null;
end
$$;

-- Transition tables allow one event per trigger: three per table.
create trigger kaspi_orders_version_ins after insert on kaspi_orders
  referencing new table as new_rows for each statement execute function kaspi_orders_bump_version();
create trigger kaspi_orders_version_upd after update on kaspi_orders
  referencing old table as old_rows new table as new_rows for each statement execute function kaspi_orders_bump_version();
create trigger kaspi_orders_version_del after delete on kaspi_orders
  referencing old table as old_rows for each statement execute function kaspi_orders_bump_version();
create trigger kaspi_order_entries_version_ins after insert on kaspi_order_entries
  referencing new table as new_rows for each statement execute function kaspi_orders_bump_version();
create trigger kaspi_order_entries_version_upd after update on kaspi_order_entries
  referencing old table as old_rows new table as new_rows for each statement execute function kaspi_orders_bump_version();
create trigger kaspi_order_entries_version_del after delete on kaspi_order_entries
  referencing old table as old_rows for each statement execute function kaspi_orders_bump_version();
