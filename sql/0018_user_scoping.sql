-- MP_USER scopes what a command may see and change: a Kaspi store belongs to the users who added it
-- (as WB cabinets do through wb_cabinet_users), a payout to the user who created it. Rows from
-- before this migration have no user and stay visible to every user.
create table kaspi_store_users (
  store_id bigint not null references kaspi_stores (id) on delete cascade,
  user_id bigint not null references mp_users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (store_id, user_id)
);

alter table payouts add column owner_id bigint references mp_users (id) on delete set null;
