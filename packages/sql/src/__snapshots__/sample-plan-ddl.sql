create schema if not exists "raw";

create schema if not exists "staging";

create schema if not exists "processed";

create schema if not exists "cooked";

create schema if not exists "tributary";

create table "raw"."events" (
  "seq" bigserial not null,
  "message_id" text not null,
  "received_at" timestamptz not null,
  "source" text not null,
  "type" text not null,
  "event" text,
  "payload" jsonb not null,
  constraint "events_pkey" primary key ("seq"),
  constraint "events_message_id_source_key" unique ("message_id", "source")
);

create table "raw"."rejected" (
  "id" bigserial not null,
  "received_at" timestamptz default now() not null,
  "stage" text not null,
  "source" text,
  "message_id" text,
  "reasons" jsonb not null,
  "payload" text not null,
  constraint "rejected_pkey" primary key ("id"),
  constraint "rejected_stage_check" check ("stage" in ('collector', 'etl'))
);

create table "processed"."ad_watched" (
  "message_id" text not null,
  "source" text not null,
  "seq" bigint not null,
  "user_id" text,
  "anonymous_id" text,
  "timestamp" timestamptz not null,
  "original_timestamp" timestamptz,
  "sent_at" timestamptz,
  "received_at" timestamptz not null,
  "event_version" integer not null,
  "session_id" text,
  "session_index" integer,
  "context_app_version" varchar(32),
  "context_device_model" varchar(64),
  "context_device_os_version" text,
  "context_platform" text,
  "loaded_at" timestamptz default now() not null,
  "ad_id" uuid not null,
  "multiplier" smallint,
  "placement" text not null,
  "reward" double precision,
  "reward_value" jsonb,
  "watched_seconds" smallint not null,
  constraint "ad_watched_pkey" primary key ("message_id", "source"),
  constraint "ad_watched_context_platform_check" check ("context_platform" in ('android', 'ios', 'web')),
  constraint "ad_watched_multiplier_check" check ("multiplier" in (1, 5, 10)),
  constraint "ad_watched_placement_check" check (
    "placement" in ('banner', 'interstitial', 'rewarded')
  )
);

create table "processed"."app_install" (
  "message_id" text not null,
  "source" text not null,
  "seq" bigint not null,
  "user_id" text,
  "anonymous_id" text,
  "timestamp" timestamptz not null,
  "original_timestamp" timestamptz,
  "sent_at" timestamptz,
  "received_at" timestamptz not null,
  "event_version" integer not null,
  "session_id" text,
  "session_index" integer,
  "context_app_version" varchar(32),
  "context_device_model" varchar(64),
  "context_device_os_version" text,
  "context_platform" text,
  "loaded_at" timestamptz default now() not null,
  "campaign" varchar(64),
  "installed_on" date not null,
  "store" text not null,
  constraint "app_install_pkey" primary key ("message_id", "source"),
  constraint "app_install_context_platform_check" check ("context_platform" in ('android', 'ios', 'web')),
  constraint "app_install_store_check" check ("store" in ('app_store', 'play_store'))
);

create table "processed"."level_up" (
  "message_id" text not null,
  "source" text not null,
  "seq" bigint not null,
  "user_id" text,
  "anonymous_id" text,
  "timestamp" timestamptz not null,
  "original_timestamp" timestamptz,
  "sent_at" timestamptz,
  "received_at" timestamptz not null,
  "event_version" integer not null,
  "session_id" text,
  "session_index" integer,
  "context_app_version" varchar(32),
  "context_device_model" varchar(64),
  "context_device_os_version" text,
  "context_platform" text,
  "loaded_at" timestamptz default now() not null,
  "character" varchar(32) not null,
  "difficulty" text not null,
  "level" smallint not null,
  "coins" bigint,
  constraint "level_up_pkey" primary key ("message_id", "source"),
  constraint "level_up_context_platform_check" check ("context_platform" in ('android', 'ios', 'web')),
  constraint "level_up_difficulty_check" check ("difficulty" in ('easy', 'hard', 'normal'))
);

create table "processed"."level_up_v3" (
  "message_id" text not null,
  "source" text not null,
  "seq" bigint not null,
  "user_id" text,
  "anonymous_id" text,
  "timestamp" timestamptz not null,
  "original_timestamp" timestamptz,
  "sent_at" timestamptz,
  "received_at" timestamptz not null,
  "event_version" integer not null,
  "session_id" text,
  "session_index" integer,
  "context_app_version" varchar(32),
  "context_device_model" varchar(64),
  "context_device_os_version" text,
  "context_platform" text,
  "loaded_at" timestamptz default now() not null,
  "coins" bigint,
  "difficulty" text not null,
  "hero_class" text not null,
  "hero_name" varchar(32) not null,
  "level" smallint not null,
  constraint "level_up_v3_pkey" primary key ("message_id", "source"),
  constraint "level_up_v3_context_platform_check" check ("context_platform" in ('android', 'ios', 'web')),
  constraint "level_up_v3_difficulty_check" check ("difficulty" in ('easy', 'hard', 'normal')),
  constraint "level_up_v3_hero_class_check" check (
    "hero_class" in ('mage', 'rogue', 'warrior''s apprentice')
  )
);

create table "processed"."purchase" (
  "message_id" text not null,
  "source" text not null,
  "seq" bigint not null,
  "user_id" text,
  "anonymous_id" text,
  "timestamp" timestamptz not null,
  "original_timestamp" timestamptz,
  "sent_at" timestamptz,
  "received_at" timestamptz not null,
  "event_version" integer not null,
  "session_id" text,
  "session_index" integer,
  "context_app_version" varchar(32),
  "context_device_model" varchar(64),
  "context_device_os_version" text,
  "context_platform" text,
  "loaded_at" timestamptz default now() not null,
  "buyer_country" varchar(2),
  "buyer_email" text,
  "coupon" varchar(32),
  "currency" varchar(3) not null,
  "items" jsonb not null,
  "placed_at" timestamptz not null,
  "price" numeric not null,
  "sku" varchar(64) not null,
  "store" text not null,
  constraint "purchase_pkey" primary key ("message_id", "source"),
  constraint "purchase_context_platform_check" check ("context_platform" in ('android', 'ios', 'web')),
  constraint "purchase_store_check" check (
    "store" in ('app_store', 'play_store', 'web_store')
  )
);

create table "processed"."session_start" (
  "message_id" text not null,
  "source" text not null,
  "seq" bigint not null,
  "user_id" text,
  "anonymous_id" text,
  "timestamp" timestamptz not null,
  "original_timestamp" timestamptz,
  "sent_at" timestamptz,
  "received_at" timestamptz not null,
  "event_version" integer not null,
  "session_id" text,
  "session_index" integer,
  "context_app_version" varchar(32),
  "context_device_model" varchar(64),
  "context_device_os_version" text,
  "context_platform" text,
  "loaded_at" timestamptz default now() not null,
  "first_session" boolean not null,
  "referrer" text,
  "session_number" integer not null,
  "tags" jsonb,
  constraint "session_start_pkey" primary key ("message_id", "source"),
  constraint "session_start_context_platform_check" check ("context_platform" in ('android', 'ios', 'web'))
);

create table "processed"."tracks" (
  "message_id" text not null,
  "source" text not null,
  "seq" bigint not null,
  "event" text not null,
  "event_version" integer not null,
  "user_key" text not null,
  "user_id" text,
  "anonymous_id" text,
  "timestamp" timestamptz not null,
  "session_id" text,
  "fingerprint" text,
  "revenue" numeric,
  "currency" text,
  "context_app_version" varchar(32),
  "context_device_model" varchar(64),
  "context_device_os_version" text,
  "context_platform" text,
  "user_agent" text,
  "loaded_at" timestamptz default now() not null,
  constraint "tracks_pkey" primary key ("message_id", "source"),
  constraint "tracks_context_platform_check" check ("context_platform" in ('android', 'ios', 'web'))
);

create table "processed"."identifies" (
  "message_id" text not null,
  "source" text not null,
  "seq" bigint not null,
  "user_id" text,
  "anonymous_id" text,
  "timestamp" timestamptz not null,
  "original_timestamp" timestamptz,
  "sent_at" timestamptz,
  "received_at" timestamptz not null,
  "traits" jsonb,
  "loaded_at" timestamptz default now() not null,
  constraint "identifies_pkey" primary key ("message_id", "source")
);

create table "processed"."pages" (
  "message_id" text not null,
  "source" text not null,
  "seq" bigint not null,
  "user_id" text,
  "anonymous_id" text,
  "timestamp" timestamptz not null,
  "original_timestamp" timestamptz,
  "sent_at" timestamptz,
  "received_at" timestamptz not null,
  "name" text,
  "properties" jsonb,
  "loaded_at" timestamptz default now() not null,
  constraint "pages_pkey" primary key ("message_id", "source")
);

create table "processed"."screens" (
  "message_id" text not null,
  "source" text not null,
  "seq" bigint not null,
  "user_id" text,
  "anonymous_id" text,
  "timestamp" timestamptz not null,
  "original_timestamp" timestamptz,
  "sent_at" timestamptz,
  "received_at" timestamptz not null,
  "name" text,
  "properties" jsonb,
  "loaded_at" timestamptz default now() not null,
  constraint "screens_pkey" primary key ("message_id", "source")
);

create table "processed"."groups" (
  "message_id" text not null,
  "source" text not null,
  "seq" bigint not null,
  "user_id" text,
  "anonymous_id" text,
  "timestamp" timestamptz not null,
  "original_timestamp" timestamptz,
  "sent_at" timestamptz,
  "received_at" timestamptz not null,
  "group_id" text,
  "traits" jsonb,
  "loaded_at" timestamptz default now() not null,
  constraint "groups_pkey" primary key ("message_id", "source")
);

create table "processed"."aliases" (
  "message_id" text not null,
  "source" text not null,
  "seq" bigint not null,
  "user_id" text,
  "anonymous_id" text,
  "timestamp" timestamptz not null,
  "original_timestamp" timestamptz,
  "sent_at" timestamptz,
  "received_at" timestamptz not null,
  "previous_id" text,
  "loaded_at" timestamptz default now() not null,
  constraint "aliases_pkey" primary key ("message_id", "source")
);

create table "cooked"."user_days" (
  "time_zone" text not null,
  "day" date not null,
  "user_key" text not null,
  "events" integer default 0 not null,
  "sessions" integer default 0 not null,
  "revenue" numeric default 0 not null,
  "purchases" integer default 0 not null,
  "first_event_at" timestamptz,
  "last_event_at" timestamptz,
  constraint "user_days_pkey" primary key ("time_zone", "user_key", "day")
);

create table "cooked"."user_day_dimensions" (
  "time_zone" text not null,
  "day" date not null,
  "user_key" text not null,
  "dimension" text not null,
  "value" text not null,
  "events" integer default 0 not null,
  "sessions" integer default 0 not null,
  "revenue" numeric default 0 not null,
  "purchases" integer default 0 not null,
  constraint "user_day_dimensions_pkey" primary key (
    "time_zone",
    "dimension",
    "value",
    "user_key",
    "day"
  )
);

create table "cooked"."users" (
  "time_zone" text not null,
  "user_key" text not null,
  "user_id" text,
  "anonymous_id" text,
  "first_seen_at" timestamptz not null,
  "last_seen_at" timestamptz not null,
  "first_day" date not null,
  "last_day" date not null,
  "install_day" date,
  "install_at" timestamptz,
  "first_purchase_day" date,
  "first_purchase_at" timestamptz,
  "revenue" numeric default 0 not null,
  "events" bigint default 0 not null,
  constraint "users_pkey" primary key ("time_zone", "user_key")
);

create table "cooked"."sessions" (
  "session_key" text not null,
  "user_key" text not null,
  "started_at" timestamptz not null,
  "ended_at" timestamptz not null,
  "events" integer not null,
  "session_number" integer,
  constraint "sessions_pkey" primary key ("session_key")
);

create table "cooked"."session_days" (
  "time_zone" text not null,
  "day" date not null,
  "session_key" text not null,
  "user_key" text not null,
  constraint "session_days_pkey" primary key ("time_zone", "session_key", "day")
);

create table "cooked"."identity_links" (
  "from_id" text not null,
  "to_id" text not null,
  "seq" bigint not null,
  "linked_at" timestamptz not null,
  constraint "identity_links_pkey" primary key ("from_id")
);

create table "cooked"."identity_conflicts" (
  "from_id" text not null,
  "to_id" text not null,
  "seq" bigint not null,
  "linked_at" timestamptz not null,
  constraint "identity_conflicts_pkey" primary key ("from_id", "to_id")
);

create table "cooked"."identities" (
  "id" text not null,
  "person_key" text not null,
  "looped" boolean default false not null,
  constraint "identities_pkey" primary key ("id")
);

create table "cooked"."person_days" (
  "time_zone" text not null,
  "day" date not null,
  "user_key" text not null,
  "events" integer default 0 not null,
  "sessions" integer default 0 not null,
  "revenue" numeric default 0 not null,
  "purchases" integer default 0 not null,
  "first_event_at" timestamptz,
  "last_event_at" timestamptz,
  constraint "person_days_pkey" primary key ("time_zone", "user_key", "day")
);

create table "cooked"."person_day_dimensions" (
  "time_zone" text not null,
  "day" date not null,
  "user_key" text not null,
  "dimension" text not null,
  "value" text not null,
  "events" integer default 0 not null,
  "sessions" integer default 0 not null,
  "revenue" numeric default 0 not null,
  "purchases" integer default 0 not null,
  constraint "person_day_dimensions_pkey" primary key (
    "time_zone",
    "dimension",
    "value",
    "user_key",
    "day"
  )
);

create table "cooked"."persons" (
  "time_zone" text not null,
  "user_key" text not null,
  "user_id" text,
  "anonymous_id" text,
  "first_seen_at" timestamptz not null,
  "last_seen_at" timestamptz not null,
  "first_day" date not null,
  "last_day" date not null,
  "install_day" date,
  "install_at" timestamptz,
  "first_purchase_day" date,
  "first_purchase_at" timestamptz,
  "revenue" numeric default 0 not null,
  "events" bigint default 0 not null,
  constraint "persons_pkey" primary key ("time_zone", "user_key")
);

create table "cooked"."person_session_days" (
  "time_zone" text not null,
  "day" date not null,
  "user_key" text not null,
  "session_key" text not null,
  constraint "person_session_days_pkey" primary key ("time_zone", "user_key", "day", "session_key")
);

create table "tributary"."etl_runs" (
  "id" bigserial not null,
  "started_at" timestamptz default now() not null,
  "finished_at" timestamptz,
  "mode" text not null,
  "from_seq" bigint,
  "to_seq" bigint,
  "extracted" bigint default 0 not null,
  "loaded" bigint default 0 not null,
  "rejected" bigint default 0 not null,
  "duplicates" bigint default 0 not null,
  "rejected_by_reason" jsonb default '{}' not null,
  "duration_ms" bigint,
  constraint "etl_runs_pkey" primary key ("id")
);

create table "tributary"."watermarks" (
  "name" text not null,
  "seq" bigint not null,
  "updated_at" timestamptz default now() not null,
  constraint "watermarks_pkey" primary key ("name")
);

create index "events_event_seq_idx" on "raw"."events" ("event", "seq");

create index "ad_watched_timestamp_idx" on "processed"."ad_watched" ("timestamp");

create index "ad_watched_user_id_idx" on "processed"."ad_watched" ("user_id");

create index "app_install_timestamp_idx" on "processed"."app_install" ("timestamp");

create index "app_install_user_id_idx" on "processed"."app_install" ("user_id");

create index "level_up_timestamp_idx" on "processed"."level_up" ("timestamp");

create index "level_up_user_id_idx" on "processed"."level_up" ("user_id");

create index "level_up_v3_timestamp_idx" on "processed"."level_up_v3" ("timestamp");

create index "level_up_v3_user_id_idx" on "processed"."level_up_v3" ("user_id");

create index "purchase_timestamp_idx" on "processed"."purchase" ("timestamp");

create index "purchase_user_id_idx" on "processed"."purchase" ("user_id");

create index "session_start_timestamp_idx" on "processed"."session_start" ("timestamp");

create index "session_start_user_id_idx" on "processed"."session_start" ("user_id");

create index "tracks_user_key_timestamp_idx" on "processed"."tracks" ("user_key", "timestamp");

create index "tracks_timestamp_idx" on "processed"."tracks" ("timestamp");

create index "tracks_fingerprint_idx" on "processed"."tracks" ("fingerprint");

create index "tracks_session_id_idx" on "processed"."tracks" ("session_id");

create index "identifies_timestamp_idx" on "processed"."identifies" ("timestamp");

create index "pages_timestamp_idx" on "processed"."pages" ("timestamp");

create index "screens_timestamp_idx" on "processed"."screens" ("timestamp");

create index "groups_timestamp_idx" on "processed"."groups" ("timestamp");

create index "aliases_timestamp_idx" on "processed"."aliases" ("timestamp");

create index "user_days_time_zone_day_idx" on "cooked"."user_days" ("time_zone", "day");

create index "user_day_dimensions_time_zone_dimension_day_idx" on "cooked"."user_day_dimensions" ("time_zone", "dimension", "day");

create index "users_time_zone_install_day_idx" on "cooked"."users" ("time_zone", "install_day");

create index "sessions_user_key_started_at_idx" on "cooked"."sessions" ("user_key", "started_at");

create index "session_days_time_zone_day_idx" on "cooked"."session_days" ("time_zone", "day");

create index "session_days_time_zone_user_key_day_idx" on "cooked"."session_days" ("time_zone", "user_key", "day");

create index "identity_links_to_id_idx" on "cooked"."identity_links" ("to_id");

create index "identities_person_key_idx" on "cooked"."identities" ("person_key");

create index "person_days_time_zone_day_idx" on "cooked"."person_days" ("time_zone", "day");

create index "person_day_dimensions_time_zone_dimension_day_idx" on "cooked"."person_day_dimensions" ("time_zone", "dimension", "day");

create index "persons_time_zone_install_day_idx" on "cooked"."persons" ("time_zone", "install_day");

create index "person_session_days_time_zone_day_idx" on "cooked"."person_session_days" ("time_zone", "day");
