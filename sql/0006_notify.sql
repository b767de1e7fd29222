-- Notifications: who receives what (recipients with their settings), the outbox of messages with
-- one row per event and recipient, which wb_events were fanned out, and the Telegram bot's state.

-- A Telegram chat or a webhook subscribed to one cabinet, with its settings.
create table notify_recipients (
  id bigint generated always as identity primary key,
  cabinet_id bigint not null references wb_cabinets (id) on delete cascade,
  -- The bot user this chat belongs to (null for a recipient added with `mp wb notify recipient add`).
  user_id bigint references mp_users (id) on delete cascade,
  channel text not null check (channel in ('telegram', 'webhook')),
  chat_id text,
  webhook_url text,
  -- AES-GCM sealed HMAC secret (encryptSecret).
  webhook_secret_sealed text,
  enabled boolean not null default true,
  types text[] not null default '{new_order,cancellation,buyout,return,negative_review,critical_stock,sync_gap}',
  review_threshold integer not null default 3 check (review_threshold between 0 and 5),
  stock_threshold integer not null default 2 check (stock_threshold >= 0),
  group_threshold integer not null default 5 check (group_threshold >= 0),
  quiet_start text,
  quiet_end text,
  time_zone text not null default 'Europe/Moscow',
  lang text not null default 'ru' check (lang in ('ru', 'en')),
  -- Set when Telegram answers 403 (bot blocked): nothing more is sent until /start again.
  disabled_at timestamptz,
  disabled_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((channel = 'telegram' and chat_id is not null) or (channel = 'webhook' and webhook_url is not null and webhook_secret_sealed is not null)),
  check ((quiet_start is null) = (quiet_end is null))
);
create unique index notify_recipients_chat_idx on notify_recipients (cabinet_id, chat_id) where channel = 'telegram';
create unique index notify_recipients_webhook_idx on notify_recipients (cabinet_id, webhook_url) where channel = 'webhook';

-- wb_events already turned into outbox rows (fan-out marks them in the same transaction).
create table notify_fanned_events (
  event_id bigint primary key references wb_events (id) on delete cascade,
  fanned_at timestamptz not null default now()
);

-- The outbox. dedup_key = '<cabinet>:<type>:<event id>' (or ':digest:<first id>') is unique per
-- recipient, so a repeated fan-out adds nothing. A row is claimed with FOR UPDATE SKIP LOCKED and a
-- lease (locked_until); in_flight_at is written just before a Telegram call (see deliver.service.ts).
create table notify_outbox (
  id bigint generated always as identity primary key,
  recipient_id bigint not null references notify_recipients (id) on delete cascade,
  cabinet_id bigint not null references wb_cabinets (id) on delete cascade,
  type text not null,
  dedup_key text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed', 'dead')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  locked_by text,
  in_flight_at timestamptz,
  -- Parts already delivered (a photo plus a text, or a text split at 4096 characters).
  parts_sent integer not null default 0,
  last_error text,
  -- Sent but not confirmed: the process stopped while the request was in flight (not resent).
  unconfirmed boolean not null default false,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (recipient_id, dedup_key)
);
create index notify_outbox_due_idx on notify_outbox (next_attempt_at, id) where status in ('pending', 'sending', 'failed');
create index notify_outbox_recipient_idx on notify_outbox (recipient_id, status);

-- One row per bot token (by hash): the token itself when stored with `mp wb bot setup`, and the
-- getUpdates offset so a restart neither loses nor repeats an update.
create table notify_bot_tokens (
  token_hash text primary key,
  token_sealed text,
  bot_username text,
  update_offset bigint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- The bot's conversation with one Telegram chat: where the user is in the journey.
create table notify_bot_chats (
  chat_id text primary key,
  user_id bigint references mp_users (id) on delete set null,
  state text not null default 'new' check (state in ('new', 'await_token', 'syncing', 'menu')),
  cabinet_id bigint references wb_cabinets (id) on delete set null,
  menu_message_id bigint,
  updated_at timestamptz not null default now()
);
