-- The Wildberries realization report (reportDetailByPeriod, ../shared/reference/wb-finance.md §2):
-- one row per report row, keyed by WB's rrd_id within a cabinet. Money as plain numeric with scale
-- checks (as 0014: numeric(p, s) would round silently). `rr_day` is the row's operation day
-- (rr_dt, Moscow time), what `mp wb profit` groups by. `sync_state` gains the `realization` stream.
create table wb_realization_rows (
  cabinet_id bigint not null references wb_cabinets (id) on delete cascade,
  rrd_id bigint not null,
  report_id bigint,
  rr_day date not null,
  nm_id bigint,
  vendor_code text,
  subject_name text,
  doc_type_name text not null default '',
  supplier_oper_name text not null default '',
  bonus_type_name text,
  quantity integer not null default 0,
  retail_amount numeric not null default 0,
  ppvz_for_pay numeric not null default 0,
  delivery_rub numeric not null default 0,
  rebill_logistic_cost numeric not null default 0,
  storage_fee numeric not null default 0,
  penalty numeric not null default 0,
  acceptance numeric not null default 0,
  deduction numeric not null default 0,
  additional_payment numeric not null default 0,
  srid text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (cabinet_id, rrd_id),
  check (scale(retail_amount) <= 2 and scale(ppvz_for_pay) <= 2 and scale(delivery_rub) <= 2 and scale(rebill_logistic_cost) <= 2
    and scale(storage_fee) <= 2 and scale(penalty) <= 2 and scale(acceptance) <= 2 and scale(deduction) <= 2 and scale(additional_payment) <= 2)
);

create index wb_realization_rows_day_idx on wb_realization_rows (cabinet_id, rr_day, nm_id);

alter table wb_sync_state drop constraint wb_sync_state_stream_check;
alter table wb_sync_state add constraint wb_sync_state_stream_check
  check (stream in ('orders', 'sales', 'stocks', 'reviews', 'cards', 'realization'));
