-- API tokens of `mp serve` (issue 24): the REST API answers only requests that carry one. A token
-- acts for one mp user (the MP_USER that created it: it sees that user's cabinets and stores) within
-- its scopes. Only a SHA-256 of the token is kept: the token itself is shown once, at creation.
create table api_tokens (
  id bigint generated always as identity primary key,
  name text not null,
  user_id bigint not null references mp_users (id) on delete cascade,
  scopes text[] not null,
  token_hash text not null unique,
  -- The first characters of the token (`mpt_ab12cd34`), to tell tokens apart in `mp serve token list`.
  prefix text not null,
  -- Requests per second this token may make (burst twice that); null: the server's default.
  rate_per_s integer check (rate_per_s is null or rate_per_s > 0),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- One live token per name and user; a revoked name can be used again.
create unique index api_tokens_live_name on api_tokens (user_id, name) where revoked_at is null;
