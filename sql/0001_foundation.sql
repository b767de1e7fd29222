-- Foundation: facts about this mp installation (its id, when the database was created).
create table app_meta (
  key text primary key,
  value text not null,
  updated_at timestamptz not null default now()
);

insert into app_meta (key, value) values
  ('installation_id', md5(random()::text || clock_timestamp()::text)),
  ('created_at', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
