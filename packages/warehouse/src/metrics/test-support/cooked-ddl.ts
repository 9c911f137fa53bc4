/**
 * The processed.tracks and cooked tables exactly as the lead's cooked-table design describes them
 * (test scaffolding until the warehouse model creates them through planToWarehouse + migrations).
 */
export const COOKED_TEST_DDL = `
create schema if not exists processed;
create schema if not exists cooked;
create table processed.tracks (
  message_id text primary key,
  seq bigint not null,
  event text not null,
  event_version integer not null,
  user_key text not null,
  user_id text,
  anonymous_id text,
  "timestamp" timestamptz not null,
  session_id text,
  fingerprint text,
  revenue numeric,
  currency text,
  context_platform text,
  context_country text,
  user_agent text,
  loaded_at timestamptz default now()
);
create index tracks_user_key_timestamp on processed.tracks (user_key, "timestamp");
create index tracks_timestamp on processed.tracks ("timestamp");
create table cooked.user_days (
  time_zone text not null,
  day date not null,
  user_key text not null,
  events integer not null,
  sessions integer not null,
  revenue numeric not null default 0,
  purchases integer not null default 0,
  first_event_at timestamptz,
  last_event_at timestamptz,
  primary key (time_zone, user_key, day)
);
create index user_days_time_zone_day on cooked.user_days (time_zone, day);
create table cooked.user_day_dimensions (
  time_zone text not null,
  day date not null,
  user_key text not null,
  dimension text not null,
  value text not null,
  events integer not null,
  sessions integer not null,
  revenue numeric not null default 0,
  purchases integer not null default 0,
  primary key (time_zone, dimension, value, user_key, day)
);
create index user_day_dimensions_time_zone_dimension_day on cooked.user_day_dimensions (time_zone, dimension, day);
create table cooked.users (
  time_zone text not null,
  user_key text not null,
  user_id text,
  anonymous_id text,
  first_seen_at timestamptz,
  last_seen_at timestamptz,
  first_day date,
  last_day date,
  install_day date,
  install_at timestamptz,
  first_purchase_day date,
  first_purchase_at timestamptz,
  revenue numeric not null default 0,
  events bigint,
  primary key (time_zone, user_key)
);
create index users_time_zone_install_day on cooked.users (time_zone, install_day);
create table cooked.sessions (
  session_key text primary key,
  user_key text not null,
  started_at timestamptz not null,
  ended_at timestamptz not null,
  events integer not null
);
create table cooked.session_days (
  time_zone text not null,
  day date not null,
  session_key text not null,
  user_key text not null,
  primary key (time_zone, session_key, day)
);
create index session_days_time_zone_day on cooked.session_days (time_zone, day);
`;
