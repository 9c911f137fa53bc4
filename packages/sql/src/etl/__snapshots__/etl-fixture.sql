-- Tributary ETL for plan "etl-fixture": one transaction per chunk of raw.events seq in ($1, $2].

-- Reporting time zones: UTC.

BEGIN;

SET LOCAL TimeZone = 'UTC'; SET LOCAL standard_conforming_strings = on; SET LOCAL jit = off; SET LOCAL work_mem = '256MB';

select
  pg_advisory_xact_lock(7455317001);

-- [extract] extract raw rows (watermark, high] into staging and validate them (envelope, context, properties) ($1 = fromSeq, $2 = toSeq)
CREATE TEMPORARY TABLE etl_stage ON COMMIT DROP AS
WITH
  extracted AS (
    SELECT
      s.seq,
      s.message_id,
      s.received_at,
      s.source,
      s.type,
      coalesce(s.event, s.payload ->> 'event') AS event,
      s.payload,
      CASE jsonb_typeof(s.payload -> 'userId')
        WHEN 'string' THEN nullif(s.payload ->> 'userId', '')
        WHEN 'number' THEN s.payload ->> 'userId'
      END AS user_id,
      CASE jsonb_typeof(s.payload -> 'anonymousId')
        WHEN 'string' THEN nullif(s.payload ->> 'anonymousId', '')
      END AS anonymous_id,
      CASE
        WHEN jsonb_typeof(s.payload -> 'context') = 'object' THEN s.payload -> 'context'
        ELSE '{}'::jsonb
      END AS ctx,
      CASE
        WHEN jsonb_typeof(s.payload -> 'properties') = 'object' THEN s.payload -> 'properties'
        ELSE '{}'::jsonb
      END AS props,
      s.payload #> '{context,eventVersion}' AS ev,
      s.payload #> '{context,sessionId}' AS sid,
      jsonb_typeof(s.payload -> 'userId') AS "type.userId",
      jsonb_typeof(s.payload -> 'anonymousId') AS "type.anonymousId",
      jsonb_typeof(s.payload -> 'timestamp') AS "type.timestamp",
      jsonb_typeof(s.payload -> 'originalTimestamp') AS "type.originalTimestamp",
      jsonb_typeof(s.payload -> 'sentAt') AS "type.sentAt",
      jsonb_typeof(s.payload -> 'context') AS "type.context",
      jsonb_typeof(s.payload -> 'properties') AS "type.properties",
      jsonb_typeof(s.payload -> 'traits') AS "type.traits",
      jsonb_typeof(s.payload -> 'groupId') AS "type.groupId",
      jsonb_typeof(s.payload -> 'previousId') AS "type.previousId",
      s.payload ->> 'timestamp' AS "text.timestamp",
      s.payload ->> 'originalTimestamp' AS "text.originalTimestamp",
      s.payload ->> 'sentAt' AS "text.sentAt"
    FROM
      raw.events AS s
    WHERE
      s.seq > $1
      AND s.seq <= $2
    OFFSET
      0
  ),
  resolved AS (
    SELECT
      s.*,
      coalesce(s.user_id, s.anonymous_id) AS user_key,
      CASE
        WHEN jsonb_typeof(s.ev) = 'number' THEN CASE
          WHEN s.ev::numeric % 1 = 0
          AND s.ev::numeric BETWEEN 1 AND 2147483647 THEN s.ev::numeric::integer
        END
        WHEN s.ev IS NULL
        OR jsonb_typeof(s.ev) = 'null' THEN CASE s.event
          WHEN 'purchase' THEN 1
        END
      END AS version,
      CASE
        WHEN s."type.timestamp" IS NULL
        OR s."type.timestamp" = 'null' THEN s.received_at
        ELSE CASE
          WHEN s."type.timestamp" = 'string'
          AND CASE
            WHEN translate(s."text.timestamp", '0123456789', '0000000000') = '0000-00-00T00:00:00.000Z' COLLATE "C" THEN CASE
              WHEN substr(s."text.timestamp", 6, 2) COLLATE "C" BETWEEN '01' AND '12'
              AND substr(s."text.timestamp", 9, 2) COLLATE "C" BETWEEN '01' AND '31'
              AND substr(s."text.timestamp", 12, 2) COLLATE "C" <= '23'
              AND substr(s."text.timestamp", 15, 2) COLLATE "C" <= '59'
              AND substr(s."text.timestamp", 18, 2) COLLATE "C" <= '59'
              AND substr(s."text.timestamp", 1, 4) COLLATE "C" <> '0000' THEN CASE
                WHEN substr(s."text.timestamp", 9, 2) COLLATE "C" <= '28' THEN true
                ELSE substr(s."text.timestamp", 9, 2)::integer <= extract(
                  day
                  from
                    make_date(
                      left(s."text.timestamp", 4)::integer,
                      substr(s."text.timestamp", 6, 2)::integer,
                      1
                    ) + interval '1 month' - interval '1 day'
                )
              END
              ELSE false
            END
            WHEN s."text.timestamp" ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?([Zz]|[+-](0[0-9]|1[0-5]):?[0-5][0-9])$'
            AND left(s."text.timestamp", 4) <> '0000' THEN substr(s."text.timestamp", 9, 2)::integer <= extract(
              day
              from
                make_date(
                  left(s."text.timestamp", 4)::integer,
                  substr(s."text.timestamp", 6, 2)::integer,
                  1
                ) + interval '1 month' - interval '1 day'
            )
            ELSE false
          END THEN s."text.timestamp"::timestamptz
        END
      END AS ts,
      CASE
        WHEN s."type.originalTimestamp" = 'string'
        AND CASE
          WHEN translate(
            s."text.originalTimestamp",
            '0123456789',
            '0000000000'
          ) = '0000-00-00T00:00:00.000Z' COLLATE "C" THEN CASE
            WHEN substr(s."text.originalTimestamp", 6, 2) COLLATE "C" BETWEEN '01' AND '12'
            AND substr(s."text.originalTimestamp", 9, 2) COLLATE "C" BETWEEN '01' AND '31'
            AND substr(s."text.originalTimestamp", 12, 2) COLLATE "C" <= '23'
            AND substr(s."text.originalTimestamp", 15, 2) COLLATE "C" <= '59'
            AND substr(s."text.originalTimestamp", 18, 2) COLLATE "C" <= '59'
            AND substr(s."text.originalTimestamp", 1, 4) COLLATE "C" <> '0000' THEN CASE
              WHEN substr(s."text.originalTimestamp", 9, 2) COLLATE "C" <= '28' THEN true
              ELSE substr(s."text.originalTimestamp", 9, 2)::integer <= extract(
                day
                from
                  make_date(
                    left(s."text.originalTimestamp", 4)::integer,
                    substr(s."text.originalTimestamp", 6, 2)::integer,
                    1
                  ) + interval '1 month' - interval '1 day'
              )
            END
            ELSE false
          END
          WHEN s."text.originalTimestamp" ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?([Zz]|[+-](0[0-9]|1[0-5]):?[0-5][0-9])$'
          AND left(s."text.originalTimestamp", 4) <> '0000' THEN substr(s."text.originalTimestamp", 9, 2)::integer <= extract(
            day
            from
              make_date(
                left(s."text.originalTimestamp", 4)::integer,
                substr(s."text.originalTimestamp", 6, 2)::integer,
                1
              ) + interval '1 month' - interval '1 day'
          )
          ELSE false
        END THEN s."text.originalTimestamp"::timestamptz
      END AS original_ts,
      CASE
        WHEN s."type.sentAt" = 'string'
        AND CASE
          WHEN translate(s."text.sentAt", '0123456789', '0000000000') = '0000-00-00T00:00:00.000Z' COLLATE "C" THEN CASE
            WHEN substr(s."text.sentAt", 6, 2) COLLATE "C" BETWEEN '01' AND '12'
            AND substr(s."text.sentAt", 9, 2) COLLATE "C" BETWEEN '01' AND '31'
            AND substr(s."text.sentAt", 12, 2) COLLATE "C" <= '23'
            AND substr(s."text.sentAt", 15, 2) COLLATE "C" <= '59'
            AND substr(s."text.sentAt", 18, 2) COLLATE "C" <= '59'
            AND substr(s."text.sentAt", 1, 4) COLLATE "C" <> '0000' THEN CASE
              WHEN substr(s."text.sentAt", 9, 2) COLLATE "C" <= '28' THEN true
              ELSE substr(s."text.sentAt", 9, 2)::integer <= extract(
                day
                from
                  make_date(
                    left(s."text.sentAt", 4)::integer,
                    substr(s."text.sentAt", 6, 2)::integer,
                    1
                  ) + interval '1 month' - interval '1 day'
              )
            END
            ELSE false
          END
          WHEN s."text.sentAt" ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?([Zz]|[+-](0[0-9]|1[0-5]):?[0-5][0-9])$'
          AND left(s."text.sentAt", 4) <> '0000' THEN substr(s."text.sentAt", 9, 2)::integer <= extract(
            day
            from
              make_date(
                left(s."text.sentAt", 4)::integer,
                substr(s."text.sentAt", 6, 2)::integer,
                1
              ) + interval '1 month' - interval '1 day'
          )
          ELSE false
        END THEN s."text.sentAt"::timestamptz
      END AS sent_ts,
      CASE
        WHEN jsonb_typeof(s.sid) = 'string' THEN nullif(s.sid #>> '{}', '')
      END AS session_id,
      s.ctx -> 'locale' AS "ctx.locale",
      s.ctx -> 'platform' AS "ctx.platform",
      s.props -> 'currency' AS "props.currency",
      s.props -> 'note' AS "props.note",
      s.props -> 'player' AS "props.player",
      s.props -> 'price_cents' AS "props.price_cents",
      s.props -> 'sku' AS "props.sku"
    FROM
      extracted AS s
    OFFSET
      0
  ),
  checked AS (
    SELECT
      s.*,
      CASE
        WHEN (
          s.type <> ALL (
            ARRAY[
              'track',
              'identify',
              'page',
              'screen',
              'group',
              'alias'
            ]
          )
        )
        OR (char_length(s.message_id) > 100)
        OR (s.user_key IS NULL)
        OR (
          s."type.userId" NOT IN ('string', 'number', 'null')
        )
        OR (s."type.anonymousId" NOT IN ('string', 'null'))
        OR (octet_length(s.payload ->> 'userId') > 1024)
        OR (octet_length(s.payload ->> 'anonymousId') > 1024)
        OR (octet_length(s.payload ->> 'previousId') > 1024)
        OR (s."type.timestamp" NOT IN ('string', 'null'))
        OR (
          s."type.timestamp" = 'string'
          AND s.ts IS NULL
        )
        OR (
          s."type.originalTimestamp" NOT IN ('string', 'null')
        )
        OR (
          s."type.originalTimestamp" = 'string'
          AND s.original_ts IS NULL
        )
        OR (s."type.sentAt" NOT IN ('string', 'null'))
        OR (
          s."type.sentAt" = 'string'
          AND s.sent_ts IS NULL
        )
        OR (s."type.context" NOT IN ('object', 'null'))
        OR (
          CASE
            WHEN jsonb_typeof(s.ev) = 'number' THEN s.ev::numeric % 1 <> 0
            OR s.ev::numeric < 1
            OR s.ev::numeric > 2147483647
            ELSE jsonb_typeof(s.ev) <> 'null'
          END
        )
        OR (
          s.type = 'track'
          AND coalesce(s.event, '') = ''
        )
        OR (
          s.type = 'track'
          AND s.event <> ''
          AND s.event <> ALL (ARRAY['purchase'])
        )
        OR (
          s.type = 'track'
          AND s.version IS NOT NULL
          AND CASE s.event
            WHEN 'purchase' THEN s.version <> ALL (ARRAY[1])
            ELSE false
          END
        )
        OR (
          s.type IN ('track', 'page', 'screen')
          AND s."type.properties" IS NOT NULL
          AND s."type.properties" <> 'object'
        )
        OR (
          s.type IN ('identify', 'group')
          AND s."type.traits" IS NOT NULL
          AND s."type.traits" <> 'object'
        )
        OR (
          s.type IN ('group')
          AND coalesce(s."type.groupId", 'missing') NOT IN ('string', 'number')
        )
        OR (
          s.type IN ('alias')
          AND coalesce(s."type.previousId", 'missing') NOT IN ('string', 'number')
        )
        OR (jsonb_typeof(s."ctx.locale") = 'null')
        OR (
          jsonb_typeof(s."ctx.locale") NOT IN ('string', 'null')
        )
        OR (
          CASE
            WHEN jsonb_typeof(s."ctx.locale") = 'string' THEN char_length((s."ctx.locale" #>> '{}')) > 35
            ELSE false
          END
        )
        OR (s."ctx.platform" IS NULL)
        OR (jsonb_typeof(s."ctx.platform") = 'null')
        OR (
          jsonb_typeof(s."ctx.platform") NOT IN ('string', 'null')
        )
        OR (
          CASE
            WHEN jsonb_typeof(s."ctx.platform") = 'string' THEN (s."ctx.platform" #>> '{}') <> ALL (ARRAY['ios', 'web']::text[])
            ELSE false
          END
        )
        OR ((s.payload #>> '{context,userAgent}') ~* 'bot') THEN to_jsonb(
          array_remove(
            ARRAY[
              CASE
                WHEN s.type <> ALL (
                  ARRAY[
                    'track',
                    'identify',
                    'page',
                    'screen',
                    'group',
                    'alias'
                  ]
                ) THEN '{"expected":"one of track, identify, page, screen, group, alias","message":"type must be one of track, identify, page, screen, group, alias","path":"type","rule":"enum"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(left((s.type)::text, 200), 'missing')
                )
              END,
              CASE
                WHEN char_length(s.message_id) > 100 THEN '{"expected":"at most 100 characters","message":"messageId must be at most 100 characters","path":"messageId","rule":"max_length"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(left((s.message_id)::text, 200), 'missing')
                )
              END,
              CASE
                WHEN s.user_key IS NULL THEN '{"expected":"userId or anonymousId","message":"userId must be userId or anonymousId","path":"userId","rule":"required"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'userId')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN s."type.userId" NOT IN ('string', 'number', 'null') THEN '{"expected":"string or number","message":"userId must be string or number","path":"userId","rule":"type"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'userId')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN s."type.anonymousId" NOT IN ('string', 'null') THEN '{"expected":"string","message":"anonymousId must be string","path":"anonymousId","rule":"type"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'anonymousId')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN octet_length(s.payload ->> 'userId') > 1024 THEN '{"expected":"at most 1024 bytes","message":"userId must be at most 1024 bytes","path":"userId","rule":"max_length"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left(
                      (to_jsonb(left(s.payload ->> 'userId', 64) || '…'))::text,
                      200
                    ),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN octet_length(s.payload ->> 'anonymousId') > 1024 THEN '{"expected":"at most 1024 bytes","message":"anonymousId must be at most 1024 bytes","path":"anonymousId","rule":"max_length"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left(
                      (
                        to_jsonb(left(s.payload ->> 'anonymousId', 64) || '…')
                      )::text,
                      200
                    ),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN octet_length(s.payload ->> 'previousId') > 1024 THEN '{"expected":"at most 1024 bytes","message":"previousId must be at most 1024 bytes","path":"previousId","rule":"max_length"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left(
                      (
                        to_jsonb(left(s.payload ->> 'previousId', 64) || '…')
                      )::text,
                      200
                    ),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN s."type.timestamp" NOT IN ('string', 'null') THEN '{"expected":"string","message":"timestamp must be string","path":"timestamp","rule":"type"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'timestamp')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN s."type.timestamp" = 'string'
                AND s.ts IS NULL THEN '{"expected":"date-time","message":"timestamp must be date-time","path":"timestamp","rule":"format"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'timestamp')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN s."type.originalTimestamp" NOT IN ('string', 'null') THEN '{"expected":"string","message":"originalTimestamp must be string","path":"originalTimestamp","rule":"type"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'originalTimestamp')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN s."type.originalTimestamp" = 'string'
                AND s.original_ts IS NULL THEN '{"expected":"date-time","message":"originalTimestamp must be date-time","path":"originalTimestamp","rule":"format"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'originalTimestamp')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN s."type.sentAt" NOT IN ('string', 'null') THEN '{"expected":"string","message":"sentAt must be string","path":"sentAt","rule":"type"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'sentAt')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN s."type.sentAt" = 'string'
                AND s.sent_ts IS NULL THEN '{"expected":"date-time","message":"sentAt must be date-time","path":"sentAt","rule":"format"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'sentAt')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN s."type.context" NOT IN ('object', 'null') THEN '{"expected":"object","message":"context must be object","path":"context","rule":"type"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'context')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN CASE
                  WHEN jsonb_typeof(s.ev) = 'number' THEN s.ev::numeric % 1 <> 0
                  OR s.ev::numeric < 1
                  OR s.ev::numeric > 2147483647
                  ELSE jsonb_typeof(s.ev) <> 'null'
                END THEN '{"expected":"a positive integer","message":"context.eventVersion must be a positive integer","path":"context.eventVersion","rule":"integer"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(left((s.ev)::text, 200), 'missing')
                )
              END,
              CASE
                WHEN s.type = 'track'
                AND coalesce(s.event, '') = '' THEN '{"expected":"an event name","message":"event must be an event name","path":"event","rule":"required"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'event')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN s.type = 'track'
                AND s.event <> ''
                AND s.event <> ALL (ARRAY['purchase']) THEN '{"expected":"one of purchase","message":"event must be one of purchase","path":"event","rule":"unknown_event"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(left((s.event)::text, 200), 'missing')
                )
              END,
              CASE
                WHEN s.type = 'track'
                AND s.version IS NOT NULL
                AND CASE s.event
                  WHEN 'purchase' THEN s.version <> ALL (ARRAY[1])
                  ELSE false
                END THEN '{"expected":"a version of the event in the plan","message":"context.eventVersion must be a version of the event in the plan","path":"context.eventVersion","rule":"unknown_version"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(left((s.version)::text, 200), 'missing')
                )
              END,
              CASE
                WHEN s.type IN ('track', 'page', 'screen')
                AND s."type.properties" IS NOT NULL
                AND s."type.properties" <> 'object' THEN '{"expected":"object","message":"properties must be object","path":"properties","rule":"type"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'properties')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN s.type IN ('identify', 'group')
                AND s."type.traits" IS NOT NULL
                AND s."type.traits" <> 'object' THEN '{"expected":"object","message":"traits must be object","path":"traits","rule":"type"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'traits')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN s.type IN ('group')
                AND coalesce(s."type.groupId", 'missing') NOT IN ('string', 'number') THEN '{"expected":"a group id","message":"groupId must be a group id","path":"groupId","rule":"required"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'groupId')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN s.type IN ('alias')
                AND coalesce(s."type.previousId", 'missing') NOT IN ('string', 'number') THEN '{"expected":"the previous id","message":"previousId must be the previous id","path":"previousId","rule":"required"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload -> 'previousId')::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN jsonb_typeof(s."ctx.locale") = 'null' THEN '{"expected":"string, not null","message":"context.locale must be string, not null","path":"context.locale","rule":"type"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(left((s."ctx.locale")::text, 200), 'missing')
                )
              END,
              CASE
                WHEN jsonb_typeof(s."ctx.locale") NOT IN ('string', 'null') THEN '{"expected":"string","message":"context.locale must be string","path":"context.locale","rule":"type"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((jsonb_typeof(s."ctx.locale"))::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN CASE
                  WHEN jsonb_typeof(s."ctx.locale") = 'string' THEN char_length((s."ctx.locale" #>> '{}')) > 35
                  ELSE false
                END THEN '{"expected":"at most 35 characters","message":"context.locale must be at most 35 characters","path":"context.locale","rule":"max_length"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(left((s."ctx.locale")::text, 200), 'missing')
                )
              END,
              CASE
                WHEN s."ctx.platform" IS NULL THEN '{"expected":"present","message":"context.platform must be present","path":"context.platform","rule":"required"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(left((s."ctx.platform")::text, 200), 'missing')
                )
              END,
              CASE
                WHEN jsonb_typeof(s."ctx.platform") = 'null' THEN '{"expected":"string, not null","message":"context.platform must be string, not null","path":"context.platform","rule":"type"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(left((s."ctx.platform")::text, 200), 'missing')
                )
              END,
              CASE
                WHEN jsonb_typeof(s."ctx.platform") NOT IN ('string', 'null') THEN '{"expected":"string","message":"context.platform must be string","path":"context.platform","rule":"type"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((jsonb_typeof(s."ctx.platform"))::text, 200),
                    'missing'
                  )
                )
              END,
              CASE
                WHEN CASE
                  WHEN jsonb_typeof(s."ctx.platform") = 'string' THEN (s."ctx.platform" #>> '{}') <> ALL (ARRAY['ios', 'web']::text[])
                  ELSE false
                END THEN '{"expected":"one of ios, web","message":"context.platform must be one of ios, web","path":"context.platform","rule":"enum"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(left((s."ctx.platform")::text, 200), 'missing')
                )
              END,
              CASE
                WHEN (s.payload #>> '{context,userAgent}') ~* 'bot' THEN '{"expected":"a user agent not matching bot","message":"context.userAgent must be a user agent not matching bot","path":"context.userAgent","rule":"bot"}'::jsonb || jsonb_build_object(
                  'received',
                  coalesce(
                    left((s.payload #> '{context,userAgent}')::text, 200),
                    'missing'
                  )
                )
              END
            ]::jsonb[],
            NULL
          )
        )
        ELSE '[]'::jsonb
      END || CASE
        WHEN s.type = 'track' THEN CASE
          WHEN s.event = 'purchase'
          AND s.version = 1 THEN CASE
            WHEN (s."props.currency" IS NULL)
            OR (jsonb_typeof(s."props.currency") = 'null')
            OR (
              jsonb_typeof(s."props.currency") NOT IN ('string', 'null')
            )
            OR (
              CASE
                WHEN jsonb_typeof(s."props.currency") = 'string' THEN (s."props.currency" #>> '{}') <> ALL (ARRAY['EUR', 'USD']::text[])
                ELSE false
              END
            )
            OR (jsonb_typeof(s."props.note") = 'null')
            OR (
              jsonb_typeof(s."props.note") NOT IN ('string', 'null')
            )
            OR (jsonb_typeof(s."props.player") = 'null')
            OR (
              jsonb_typeof(s."props.player") NOT IN ('object', 'null')
            )
            OR (
              jsonb_typeof((s."props.player" -> 'age')) = 'null'
            )
            OR (
              jsonb_typeof((s."props.player" -> 'age')) NOT IN ('number', 'null')
            )
            OR (
              CASE
                WHEN jsonb_typeof((s."props.player" -> 'age')) = 'number' THEN ((s."props.player" -> 'age'))::numeric % 1 <> 0
                OR abs(((s."props.player" -> 'age'))::numeric) > 9007199254740991
                ELSE false
              END
            )
            OR (
              CASE
                WHEN jsonb_typeof((s."props.player" -> 'age')) = 'number' THEN ((s."props.player" -> 'age'))::numeric < 0
                ELSE false
              END
            )
            OR ((s."props.player" -> 'tag') IS NULL)
            OR (
              jsonb_typeof((s."props.player" -> 'tag')) = 'null'
            )
            OR (
              jsonb_typeof((s."props.player" -> 'tag')) NOT IN ('string', 'null')
            )
            OR (
              CASE
                WHEN jsonb_typeof(s."props.player") = 'object' THEN (s."props.player" - ARRAY['age', 'tag']::text[]) <> '{}'::jsonb
                ELSE false
              END
            )
            OR (s."props.price_cents" IS NULL)
            OR (jsonb_typeof(s."props.price_cents") = 'null')
            OR (
              jsonb_typeof(s."props.price_cents") NOT IN ('number', 'null')
            )
            OR (
              CASE
                WHEN jsonb_typeof(s."props.price_cents") = 'number' THEN (s."props.price_cents")::numeric % 1 <> 0
                OR abs((s."props.price_cents")::numeric) > 9007199254740991
                ELSE false
              END
            )
            OR (
              CASE
                WHEN jsonb_typeof(s."props.price_cents") = 'number' THEN (s."props.price_cents")::numeric < 0
                ELSE false
              END
            )
            OR (s."props.sku" IS NULL)
            OR (jsonb_typeof(s."props.sku") = 'null')
            OR (
              jsonb_typeof(s."props.sku") NOT IN ('string', 'null')
            )
            OR (
              CASE
                WHEN jsonb_typeof(s."props.sku") = 'string' THEN char_length((s."props.sku" #>> '{}')) < 1
                ELSE false
              END
            )
            OR (
              CASE
                WHEN jsonb_typeof(s."props.sku") = 'string' THEN char_length((s."props.sku" #>> '{}')) > 64
                ELSE false
              END
            )
            OR (
              CASE
                WHEN jsonb_typeof(s.props) = 'object' THEN (
                  s.props - ARRAY[
                    'currency',
                    'note',
                    'player',
                    'price_cents',
                    'sku'
                  ]::text[]
                ) <> '{}'::jsonb
                ELSE false
              END
            )
            OR (
              CASE
                WHEN jsonb_typeof((s.payload #> '{"properties","player","age"}')) = 'number' THEN (
                  ((s.payload #> '{"properties","player","age"}'))::numeric > 150
                )
                ELSE false
              END
            ) THEN to_jsonb(
              array_remove(
                ARRAY[
                  CASE
                    WHEN s."props.currency" IS NULL THEN '{"expected":"present","message":"properties.currency must be present","path":"properties.currency","rule":"required"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(left((s."props.currency")::text, 200), 'missing')
                    )
                  END,
                  CASE
                    WHEN jsonb_typeof(s."props.currency") = 'null' THEN '{"expected":"string, not null","message":"properties.currency must be string, not null","path":"properties.currency","rule":"type"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(left((s."props.currency")::text, 200), 'missing')
                    )
                  END,
                  CASE
                    WHEN jsonb_typeof(s."props.currency") NOT IN ('string', 'null') THEN '{"expected":"string","message":"properties.currency must be string","path":"properties.currency","rule":"type"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left((jsonb_typeof(s."props.currency"))::text, 200),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN CASE
                      WHEN jsonb_typeof(s."props.currency") = 'string' THEN (s."props.currency" #>> '{}') <> ALL (ARRAY['EUR', 'USD']::text[])
                      ELSE false
                    END THEN '{"expected":"one of EUR, USD","message":"properties.currency must be one of EUR, USD","path":"properties.currency","rule":"enum"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(left((s."props.currency")::text, 200), 'missing')
                    )
                  END,
                  CASE
                    WHEN jsonb_typeof(s."props.note") = 'null' THEN '{"expected":"string, not null","message":"properties.note must be string, not null","path":"properties.note","rule":"type"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(left((s."props.note")::text, 200), 'missing')
                    )
                  END,
                  CASE
                    WHEN jsonb_typeof(s."props.note") NOT IN ('string', 'null') THEN '{"expected":"string","message":"properties.note must be string","path":"properties.note","rule":"type"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left((jsonb_typeof(s."props.note"))::text, 200),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN jsonb_typeof(s."props.player") = 'null' THEN '{"expected":"object, not null","message":"properties.player must be object, not null","path":"properties.player","rule":"type"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(left((s."props.player")::text, 200), 'missing')
                    )
                  END,
                  CASE
                    WHEN jsonb_typeof(s."props.player") NOT IN ('object', 'null') THEN '{"expected":"object","message":"properties.player must be object","path":"properties.player","rule":"type"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left((jsonb_typeof(s."props.player"))::text, 200),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN jsonb_typeof((s."props.player" -> 'age')) = 'null' THEN '{"expected":"integer, not null","message":"properties.player.age must be integer, not null","path":"properties.player.age","rule":"type"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left(((s."props.player" -> 'age'))::text, 200),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN jsonb_typeof((s."props.player" -> 'age')) NOT IN ('number', 'null') THEN '{"expected":"integer","message":"properties.player.age must be integer","path":"properties.player.age","rule":"type"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left(
                          (jsonb_typeof((s."props.player" -> 'age')))::text,
                          200
                        ),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN CASE
                      WHEN jsonb_typeof((s."props.player" -> 'age')) = 'number' THEN ((s."props.player" -> 'age'))::numeric % 1 <> 0
                      OR abs(((s."props.player" -> 'age'))::numeric) > 9007199254740991
                      ELSE false
                    END THEN '{"expected":"an integer (safe: at most 2^53 - 1 in magnitude)","message":"properties.player.age must be an integer (safe: at most 2^53 - 1 in magnitude)","path":"properties.player.age","rule":"integer"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left(((s."props.player" -> 'age'))::text, 200),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN CASE
                      WHEN jsonb_typeof((s."props.player" -> 'age')) = 'number' THEN ((s."props.player" -> 'age'))::numeric < 0
                      ELSE false
                    END THEN '{"expected":">= 0","message":"properties.player.age must be >= 0","path":"properties.player.age","rule":"minimum"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left(((s."props.player" -> 'age'))::text, 200),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN (s."props.player" -> 'tag') IS NULL THEN '{"expected":"present","message":"properties.player.tag must be present","path":"properties.player.tag","rule":"required"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left(((s."props.player" -> 'tag'))::text, 200),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN jsonb_typeof((s."props.player" -> 'tag')) = 'null' THEN '{"expected":"string, not null","message":"properties.player.tag must be string, not null","path":"properties.player.tag","rule":"type"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left(((s."props.player" -> 'tag'))::text, 200),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN jsonb_typeof((s."props.player" -> 'tag')) NOT IN ('string', 'null') THEN '{"expected":"string","message":"properties.player.tag must be string","path":"properties.player.tag","rule":"type"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left(
                          (jsonb_typeof((s."props.player" -> 'tag')))::text,
                          200
                        ),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN CASE
                      WHEN jsonb_typeof(s."props.player") = 'object' THEN (s."props.player" - ARRAY['age', 'tag']::text[]) <> '{}'::jsonb
                      ELSE false
                    END THEN '{"expected":"only age, tag","message":"properties.player must be only age, tag","path":"properties.player","rule":"additional_property"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left(
                          (
                            (
                              SELECT
                                string_agg(k, ', ')
                              FROM
                                (
                                  SELECT
                                    k
                                  FROM
                                    jsonb_object_keys(s."props.player") AS k
                                  WHERE
                                    k <> ALL (ARRAY['age', 'tag']::text[])
                                ) AS extra
                            )
                          )::text,
                          200
                        ),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN s."props.price_cents" IS NULL THEN '{"expected":"present","message":"properties.price_cents must be present","path":"properties.price_cents","rule":"required"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left((s."props.price_cents")::text, 200),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN jsonb_typeof(s."props.price_cents") = 'null' THEN '{"expected":"integer, not null","message":"properties.price_cents must be integer, not null","path":"properties.price_cents","rule":"type"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left((s."props.price_cents")::text, 200),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN jsonb_typeof(s."props.price_cents") NOT IN ('number', 'null') THEN '{"expected":"integer","message":"properties.price_cents must be integer","path":"properties.price_cents","rule":"type"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left((jsonb_typeof(s."props.price_cents"))::text, 200),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN CASE
                      WHEN jsonb_typeof(s."props.price_cents") = 'number' THEN (s."props.price_cents")::numeric % 1 <> 0
                      OR abs((s."props.price_cents")::numeric) > 9007199254740991
                      ELSE false
                    END THEN '{"expected":"an integer (safe: at most 2^53 - 1 in magnitude)","message":"properties.price_cents must be an integer (safe: at most 2^53 - 1 in magnitude)","path":"properties.price_cents","rule":"integer"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left((s."props.price_cents")::text, 200),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN CASE
                      WHEN jsonb_typeof(s."props.price_cents") = 'number' THEN (s."props.price_cents")::numeric < 0
                      ELSE false
                    END THEN '{"expected":">= 0","message":"properties.price_cents must be >= 0","path":"properties.price_cents","rule":"minimum"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left((s."props.price_cents")::text, 200),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN s."props.sku" IS NULL THEN '{"expected":"present","message":"properties.sku must be present","path":"properties.sku","rule":"required"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(left((s."props.sku")::text, 200), 'missing')
                    )
                  END,
                  CASE
                    WHEN jsonb_typeof(s."props.sku") = 'null' THEN '{"expected":"string, not null","message":"properties.sku must be string, not null","path":"properties.sku","rule":"type"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(left((s."props.sku")::text, 200), 'missing')
                    )
                  END,
                  CASE
                    WHEN jsonb_typeof(s."props.sku") NOT IN ('string', 'null') THEN '{"expected":"string","message":"properties.sku must be string","path":"properties.sku","rule":"type"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left((jsonb_typeof(s."props.sku"))::text, 200),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN CASE
                      WHEN jsonb_typeof(s."props.sku") = 'string' THEN char_length((s."props.sku" #>> '{}')) < 1
                      ELSE false
                    END THEN '{"expected":"at least 1 characters","message":"properties.sku must be at least 1 characters","path":"properties.sku","rule":"min_length"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(left((s."props.sku")::text, 200), 'missing')
                    )
                  END,
                  CASE
                    WHEN CASE
                      WHEN jsonb_typeof(s."props.sku") = 'string' THEN char_length((s."props.sku" #>> '{}')) > 64
                      ELSE false
                    END THEN '{"expected":"at most 64 characters","message":"properties.sku must be at most 64 characters","path":"properties.sku","rule":"max_length"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(left((s."props.sku")::text, 200), 'missing')
                    )
                  END,
                  CASE
                    WHEN CASE
                      WHEN jsonb_typeof(s.props) = 'object' THEN (
                        s.props - ARRAY[
                          'currency',
                          'note',
                          'player',
                          'price_cents',
                          'sku'
                        ]::text[]
                      ) <> '{}'::jsonb
                      ELSE false
                    END THEN '{"expected":"only currency, note, player, price_cents, sku","message":"properties must be only currency, note, player, price_cents, sku","path":"properties","rule":"additional_property"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left(
                          (
                            (
                              SELECT
                                string_agg(k, ', ')
                              FROM
                                (
                                  SELECT
                                    k
                                  FROM
                                    jsonb_object_keys(s.props) AS k
                                  WHERE
                                    k <> ALL (
                                      ARRAY[
                                        'currency',
                                        'note',
                                        'player',
                                        'price_cents',
                                        'sku'
                                      ]::text[]
                                    )
                                ) AS extra
                            )
                          )::text,
                          200
                        ),
                        'missing'
                      )
                    )
                  END,
                  CASE
                    WHEN CASE
                      WHEN jsonb_typeof((s.payload #> '{"properties","player","age"}')) = 'number' THEN (
                        ((s.payload #> '{"properties","player","age"}'))::numeric > 150
                      )
                      ELSE false
                    END THEN '{"expected":"<= 150","message":"properties.player.age must be <= 150","path":"properties.player.age","rule":"threshold"}'::jsonb || jsonb_build_object(
                      'received',
                      coalesce(
                        left(
                          ((s.payload #> '{"properties","player","age"}'))::text,
                          200
                        ),
                        'missing'
                      )
                    )
                  END
                ]::jsonb[],
                NULL
              )
            )
            ELSE '[]'::jsonb
          END
          ELSE '[]'::jsonb
        END
        ELSE '[]'::jsonb
      END AS reasons
    FROM
      resolved AS s
    OFFSET
      0
  )
SELECT
  s.seq,
  s.message_id,
  s.received_at,
  s.source,
  s.type,
  s.event,
  s.user_id,
  s.anonymous_id,
  s.user_key,
  s.version,
  s.ts,
  s.original_ts,
  s.sent_ts,
  s.session_id,
  s.reasons,
  CASE
    WHEN s.reasons = '[]'::jsonb THEN 'ok'
    ELSE 'rejected'
  END AS status,
  CASE
    WHEN s.type = 'track'
    AND s.ts IS NOT NULL THEN md5(
      s.user_key || '|' || s.event || '|' || coalesce(s.payload -> 'properties', '{}'::jsonb)::text || '|' || extract(
        epoch
        from
          s.ts
      )::text
    )
  END AS fingerprint,
  CASE
    WHEN s.type = 'track'
    AND s.reasons = '[]'::jsonb THEN (s.payload #>> '{"context","locale"}')
  END AS "context_locale",
  CASE
    WHEN s.type = 'track'
    AND s.reasons = '[]'::jsonb THEN lower(
      nullif(
        split_part(
          replace((s.payload #>> '{"context","locale"}'), '_', '-'),
          '-',
          1
        ),
        ''
      )
    )
  END AS "context_language",
  CASE
    WHEN s.type = 'track'
    AND s.reasons = '[]'::jsonb THEN upper(
      nullif(
        split_part(
          replace((s.payload #>> '{"context","locale"}'), '_', '-'),
          '-',
          2
        ),
        ''
      )
    )
  END AS "context_country",
  CASE
    WHEN s.type = 'track'
    AND s.reasons = '[]'::jsonb THEN (s.payload #>> '{"context","platform"}')
  END AS "context_platform"
FROM
  checked AS s;

-- [extract] index the staged rows by seq (the validate and classify updates join on it)
CREATE INDEX ON etl_stage (seq);

-- [extract] statistics of etl_stage for the planner
ANALYZE etl_stage (seq, type, event, version, user_key);

-- [classify] message id of the same source already in its processed table (tracks, identifies, pages, screens, groups, aliases) → duplicate
UPDATE etl_stage AS s
SET
  status = 'duplicate'
WHERE
  s.status = 'ok'
  AND CASE s.type
    WHEN 'track' THEN EXISTS (
      SELECT
        1
      FROM
        "processed"."tracks" AS p
      WHERE
        p.message_id = s.message_id
        AND p.source = s.source
    )
    WHEN 'identify' THEN EXISTS (
      SELECT
        1
      FROM
        "processed"."identifies" AS p
      WHERE
        p.message_id = s.message_id
        AND p.source = s.source
    )
    WHEN 'page' THEN EXISTS (
      SELECT
        1
      FROM
        "processed"."pages" AS p
      WHERE
        p.message_id = s.message_id
        AND p.source = s.source
    )
    WHEN 'screen' THEN EXISTS (
      SELECT
        1
      FROM
        "processed"."screens" AS p
      WHERE
        p.message_id = s.message_id
        AND p.source = s.source
    )
    WHEN 'group' THEN EXISTS (
      SELECT
        1
      FROM
        "processed"."groups" AS p
      WHERE
        p.message_id = s.message_id
        AND p.source = s.source
    )
    WHEN 'alias' THEN EXISTS (
      SELECT
        1
      FROM
        "processed"."aliases" AS p
      WHERE
        p.message_id = s.message_id
        AND p.source = s.source
    )
    ELSE false
  END;

-- [classify] same fingerprint earlier in the chunk, or already loaded → duplicate
UPDATE etl_stage AS t
SET
  status = 'duplicate'
FROM
  (
    SELECT
      s.seq,
      s.fingerprint,
      row_number() OVER (
        PARTITION BY
          s.fingerprint COLLATE "C"
        ORDER BY
          s.seq
      ) AS rank
    FROM
      etl_stage AS s
    WHERE
      s.status = 'ok'
      AND s.type = 'track'
  ) AS d
WHERE
  d.seq = t.seq
  AND (
    d.rank > 1
    OR EXISTS (
      SELECT
        1
      FROM
        processed.tracks AS p
      WHERE
        p.fingerprint = d.fingerprint
    )
  );

-- [classify] more than 5 events of a user in one minute → rejected (spam)
WITH
  candidates AS (
    SELECT
      s.seq,
      s.user_key,
      date_trunc('minute', s.ts) AS minute,
      row_number() OVER (
        PARTITION BY
          s.user_key COLLATE "C",
          date_trunc('minute', s.ts)
        ORDER BY
          s.seq
      ) AS rank
    FROM
      etl_stage AS s
    WHERE
      s.status = 'ok'
      AND s.type = 'track'
  ),
  loaded AS (
    SELECT
      m.user_key,
      m.minute,
      count(*) AS events
    FROM
      (
        SELECT DISTINCT
          user_key,
          minute
        FROM
          candidates
      ) AS m
      JOIN processed.tracks AS p ON p.user_key = m.user_key
      AND p."timestamp" >= m.minute
      AND p."timestamp" < m.minute + interval '1 minute'
    GROUP BY
      m.user_key,
      m.minute
  )
UPDATE etl_stage AS t
SET
  status = 'rejected',
  reasons = t.reasons || jsonb_build_array(
    '{"expected":"at most 5 events per user per minute","message":"userId must send at most 5 events per minute (spam)","path":"userId","rule":"spam"}'::jsonb || jsonb_build_object(
      'received',
      (c.rank + coalesce(l.events, 0))::text
    )
  )
FROM
  candidates AS c
  LEFT JOIN loaded AS l ON l.user_key = c.user_key
  AND l.minute = c.minute
WHERE
  t.seq = c.seq
  AND c.rank + coalesce(l.events, 0) > 5;

-- [load] rejected rows into raw.rejected (stage 'etl')
INSERT INTO
  raw.rejected (
    received_at,
    stage,
    source,
    message_id,
    reasons,
    payload
  )
SELECT
  s.received_at,
  'etl',
  s.source,
  s.message_id,
  s.reasons,
  r.payload::text
FROM
  etl_stage AS s
  JOIN raw.events AS r ON r.seq = s.seq
WHERE
  s.status = 'rejected'
ORDER BY
  s.seq;

-- [load] load the valid rows into processed.tracks, the event tables and the message tables ($1 = fromSeq, $2 = toSeq)
WITH
  s AS MATERIALIZED (
    SELECT
      t.*,
      r.payload
    FROM
      etl_stage AS t
      JOIN raw.events AS r ON r.seq = t.seq
    WHERE
      t.status = 'ok'
      AND r.seq > $1
      AND r.seq <= $2
  ),
  tracks AS (
    INSERT INTO
      "processed"."tracks" (
        "message_id",
        "source",
        "seq",
        "event",
        "event_version",
        "user_key",
        "user_id",
        "anonymous_id",
        "timestamp",
        "session_id",
        "fingerprint",
        "revenue",
        "currency",
        "context_locale",
        "context_language",
        "context_country",
        "context_platform",
        "user_agent"
      )
    SELECT
      s.message_id AS "message_id",
      s.source AS "source",
      s.seq AS "seq",
      s.event AS "event",
      s.version AS "event_version",
      s.user_key AS "user_key",
      s.user_id AS "user_id",
      s.anonymous_id AS "anonymous_id",
      s.ts AS "timestamp",
      s.session_id AS "session_id",
      s.fingerprint AS "fingerprint",
      CASE
        WHEN s.event = 'purchase' THEN trim_scale(
          (s.payload #>> '{"properties","price_cents"}')::numeric / 100
        )
      END AS "revenue",
      CASE
        WHEN s.event = 'purchase' THEN (s.payload #>> '{"properties","currency"}')
      END AS "currency",
      s."context_locale" AS "context_locale",
      s."context_language" AS "context_language",
      s."context_country" AS "context_country",
      s."context_platform" AS "context_platform",
      (s.payload #>> '{context,userAgent}') AS "user_agent"
    FROM
      s
    WHERE
      s.type = 'track'
    RETURNING
      1
  ),
  e1 AS (
    INSERT INTO
      "processed"."purchase" (
        "message_id",
        "source",
        "seq",
        "user_id",
        "anonymous_id",
        "timestamp",
        "original_timestamp",
        "sent_at",
        "received_at",
        "event_version",
        "session_id",
        "session_index",
        "context_locale",
        "context_language",
        "context_country",
        "context_platform",
        "currency",
        "player_age",
        "tag_name",
        "tag_number",
        "price_cents",
        "sku",
        "sku_note"
      )
    SELECT
      s.message_id AS "message_id",
      s.source AS "source",
      s.seq AS "seq",
      s.user_id AS "user_id",
      s.anonymous_id AS "anonymous_id",
      s.ts AS "timestamp",
      s.original_ts AS "original_timestamp",
      s.sent_ts AS "sent_at",
      s.received_at AS "received_at",
      s.version AS "event_version",
      s.session_id AS "session_id",
      CASE
        WHEN jsonb_typeof(s.payload #> '{context,sessionIndex}') = 'number'
        AND (s.payload #> '{context,sessionIndex}')::numeric BETWEEN 0 AND 2147483647
        AND (s.payload #> '{context,sessionIndex}')::numeric % 1 = 0 THEN (s.payload #>> '{context,sessionIndex}')::integer
      END AS "session_index",
      s."context_locale" AS "context_locale",
      s."context_language" AS "context_language",
      s."context_country" AS "context_country",
      s."context_platform" AS "context_platform",
      lower(
        btrim(
          (s.payload #>> '{"properties","currency"}'),
          E' \t\n\r\f\x0B'
        )
      ) AS "currency",
      (s.payload #>> '{"properties","player","age"}')::numeric::bigint AS "player_age",
      nullif(
        split_part(
          (s.payload #>> '{"properties","player","tag"}'),
          '#',
          1
        ),
        ''
      ) AS "tag_name",
      nullif(
        split_part(
          (s.payload #>> '{"properties","player","tag"}'),
          '#',
          2
        ),
        ''
      ) AS "tag_number",
      coalesce(
        trim_scale(
          (
            (s.payload #>> '{"properties","price_cents"}')::numeric::bigint
          )::numeric / 100
        ),
        0
      ) AS "price_cents",
      (s.payload #>> '{"properties","sku"}') AS "sku",
      nullif(
        concat_ws(
          '/',
          ((s.payload #>> '{"properties","sku"}'))::text,
          ((s.payload #>> '{"properties","note"}'))::text
        ),
        ''
      ) AS "sku_note"
    FROM
      s
    WHERE
      s.type = 'track'
      AND s.event = 'purchase'
      AND s.version = 1
    RETURNING
      1
  ),
  m_identify AS (
    INSERT INTO
      "processed"."identifies" (
        "message_id",
        "source",
        "seq",
        "user_id",
        "anonymous_id",
        "timestamp",
        "original_timestamp",
        "sent_at",
        "received_at",
        "traits"
      )
    SELECT
      s.message_id AS "message_id",
      s.source AS "source",
      s.seq AS "seq",
      s.user_id AS "user_id",
      s.anonymous_id AS "anonymous_id",
      s.ts AS "timestamp",
      s.original_ts AS "original_timestamp",
      s.sent_ts AS "sent_at",
      s.received_at AS "received_at",
      CASE
        WHEN jsonb_typeof(s.payload -> 'traits') = 'object' THEN s.payload -> 'traits'
      END AS "traits"
    FROM
      s
    WHERE
      s.type = 'identify'
    RETURNING
      1
  ),
  m_page AS (
    INSERT INTO
      "processed"."pages" (
        "message_id",
        "source",
        "seq",
        "user_id",
        "anonymous_id",
        "timestamp",
        "original_timestamp",
        "sent_at",
        "received_at",
        "name",
        "properties"
      )
    SELECT
      s.message_id AS "message_id",
      s.source AS "source",
      s.seq AS "seq",
      s.user_id AS "user_id",
      s.anonymous_id AS "anonymous_id",
      s.ts AS "timestamp",
      s.original_ts AS "original_timestamp",
      s.sent_ts AS "sent_at",
      s.received_at AS "received_at",
      (s.payload ->> 'name') AS "name",
      CASE
        WHEN jsonb_typeof(s.payload -> 'properties') = 'object' THEN s.payload -> 'properties'
      END AS "properties"
    FROM
      s
    WHERE
      s.type = 'page'
    RETURNING
      1
  ),
  m_screen AS (
    INSERT INTO
      "processed"."screens" (
        "message_id",
        "source",
        "seq",
        "user_id",
        "anonymous_id",
        "timestamp",
        "original_timestamp",
        "sent_at",
        "received_at",
        "name",
        "properties"
      )
    SELECT
      s.message_id AS "message_id",
      s.source AS "source",
      s.seq AS "seq",
      s.user_id AS "user_id",
      s.anonymous_id AS "anonymous_id",
      s.ts AS "timestamp",
      s.original_ts AS "original_timestamp",
      s.sent_ts AS "sent_at",
      s.received_at AS "received_at",
      (s.payload ->> 'name') AS "name",
      CASE
        WHEN jsonb_typeof(s.payload -> 'properties') = 'object' THEN s.payload -> 'properties'
      END AS "properties"
    FROM
      s
    WHERE
      s.type = 'screen'
    RETURNING
      1
  ),
  m_group AS (
    INSERT INTO
      "processed"."groups" (
        "message_id",
        "source",
        "seq",
        "user_id",
        "anonymous_id",
        "timestamp",
        "original_timestamp",
        "sent_at",
        "received_at",
        "group_id",
        "traits"
      )
    SELECT
      s.message_id AS "message_id",
      s.source AS "source",
      s.seq AS "seq",
      s.user_id AS "user_id",
      s.anonymous_id AS "anonymous_id",
      s.ts AS "timestamp",
      s.original_ts AS "original_timestamp",
      s.sent_ts AS "sent_at",
      s.received_at AS "received_at",
      (s.payload ->> 'groupId') AS "group_id",
      CASE
        WHEN jsonb_typeof(s.payload -> 'traits') = 'object' THEN s.payload -> 'traits'
      END AS "traits"
    FROM
      s
    WHERE
      s.type = 'group'
    RETURNING
      1
  ),
  m_alias AS (
    INSERT INTO
      "processed"."aliases" (
        "message_id",
        "source",
        "seq",
        "user_id",
        "anonymous_id",
        "timestamp",
        "original_timestamp",
        "sent_at",
        "received_at",
        "previous_id"
      )
    SELECT
      s.message_id AS "message_id",
      s.source AS "source",
      s.seq AS "seq",
      s.user_id AS "user_id",
      s.anonymous_id AS "anonymous_id",
      s.ts AS "timestamp",
      s.original_ts AS "original_timestamp",
      s.sent_ts AS "sent_at",
      s.received_at AS "received_at",
      (s.payload ->> 'previousId') AS "previous_id"
    FROM
      s
    WHERE
      s.type = 'alias'
    RETURNING
      1
  )
SELECT
  (
    (
      SELECT
        count(*)
      FROM
        tracks
    )
  )::integer AS tracks,
  (
    (
      SELECT
        count(*)
      FROM
        e1
    )
  )::integer AS event,
  (
    (
      SELECT
        count(*)
      FROM
        m_identify
    ) + (
      SELECT
        count(*)
      FROM
        m_page
    ) + (
      SELECT
        count(*)
      FROM
        m_screen
    ) + (
      SELECT
        count(*)
      FROM
        m_group
    ) + (
      SELECT
        count(*)
      FROM
        m_alias
    )
  )::integer AS message;

-- [load] count the chunk for reconciliation
SELECT
  count(*)::integer AS extracted,
  (
    count(*) FILTER (
      WHERE
        s.status = 'ok'
    )
  )::integer AS ok,
  (
    count(*) FILTER (
      WHERE
        s.status = 'rejected'
    )
  )::integer AS rejected,
  (
    count(*) FILTER (
      WHERE
        s.status = 'duplicate'
    )
  )::integer AS duplicates,
  (
    count(*) FILTER (
      WHERE
        s.status NOT IN ('ok', 'rejected', 'duplicate')
    )
  )::integer AS unclassified,
  (
    SELECT
      coalesce(jsonb_object_agg(r.rule, r.rows), '{}'::jsonb)
    FROM
      (
        SELECT
          reason ->> 'rule' AS rule,
          count(DISTINCT x.seq) AS rows
        FROM
          etl_stage AS x,
          jsonb_array_elements(x.reasons) AS reason
        WHERE
          x.status = 'rejected'
        GROUP BY
          reason ->> 'rule'
      ) AS r
  ) AS rejected_by_reason
FROM
  etl_stage AS s;

-- [cook] the new track rows, as loaded
CREATE TEMPORARY TABLE etl_new ON COMMIT DROP AS
SELECT
  p.*
FROM
  processed.tracks AS p
  JOIN etl_stage AS s ON s.message_id = p.message_id
  AND s.source = p.source
WHERE
  s.status = 'ok'
  AND s.type = 'track';

-- [cook] statistics of etl_new for the planner
ANALYZE etl_new (user_key, session_id);

-- [cook] tracker sessions touched by the chunk
CREATE TEMPORARY TABLE etl_tracker_sessions ON COMMIT DROP AS
SELECT DISTINCT
  n.session_id AS session_key
FROM
  etl_new AS n
WHERE
  n.session_id IS NOT NULL;

-- [cook] users with new events lacking a session id: the sessions they keep
CREATE TEMPORARY TABLE etl_resession ON COMMIT DROP AS
SELECT
  u.user_key,
  k.kept_until,
  coalesce(k.kept, 0) AS kept
FROM
  (
    SELECT
      n.user_key,
      min(n."timestamp") AS first_new
    FROM
      etl_new AS n
    WHERE
      n.session_id IS NULL
    GROUP BY
      n.user_key
  ) AS u
  CROSS JOIN LATERAL (
    SELECT
      max(c.ended_at) AS kept_until,
      count(*)::integer AS kept
    FROM
      cooked.sessions AS c
    WHERE
      c.user_key = u.user_key
      AND c.session_number IS NOT NULL
      AND c.ended_at < u.first_new - interval '30 minutes'
  ) AS k;

-- [cook] drop session days of sessions that are rebuilt
DELETE FROM cooked.session_days AS d
WHERE
  d.session_key IN (
    SELECT
      t.session_key
    FROM
      etl_tracker_sessions AS t
    UNION ALL
    SELECT
      c.session_key
    FROM
      cooked.sessions AS c
      JOIN etl_resession AS r ON r.user_key = c.user_key
    WHERE
      c.session_number > r.kept
  );

-- [cook] drop sessions that are rebuilt
DELETE FROM cooked.sessions AS c
WHERE
  c.session_key IN (
    SELECT
      t.session_key
    FROM
      etl_tracker_sessions AS t
    UNION ALL
    SELECT
      s.session_key
    FROM
      cooked.sessions AS s
      JOIN etl_resession AS r ON r.user_key = s.user_key
    WHERE
      s.session_number > r.kept
  );

-- [cook] cut sessions by 30 minutes of inactivity after the kept ones
CREATE TEMPORARY TABLE etl_session_events ON COMMIT DROP AS
SELECT
  e.user_key,
  e."timestamp",
  e.kept + sum(e.starts) OVER (
    PARTITION BY
      e.user_key
    ORDER BY
      e."timestamp",
      e.seq
  ) AS session_number
FROM
  (
    SELECT
      p.user_key COLLATE "C" AS user_key,
      p."timestamp",
      p.seq,
      r.kept,
      CASE
        WHEN p."timestamp" - lag(p."timestamp") OVER w <= interval '30 minutes' THEN 0
        ELSE 1
      END AS starts
    FROM
      etl_resession AS r
      JOIN processed.tracks AS p ON p.user_key = r.user_key
      AND p.session_id IS NULL
      AND (
        r.kept_until IS NULL
        OR p."timestamp" > r.kept_until
      )
    WINDOW
      w AS (
        PARTITION BY
          p.user_key COLLATE "C"
        ORDER BY
          p."timestamp",
          p.seq
      )
  ) AS e;

-- [cook] insert the rebuilt inactivity sessions and the touched tracker sessions
INSERT INTO
  cooked.sessions (
    session_key,
    user_key,
    started_at,
    ended_at,
    events,
    session_number
  )
SELECT
  e.user_key || '#' || e.session_number,
  e.user_key,
  min(e."timestamp"),
  max(e."timestamp"),
  count(*)::integer,
  e.session_number::integer
FROM
  etl_session_events AS e
GROUP BY
  e.user_key,
  e.session_number
UNION ALL
SELECT
  p.session_id COLLATE "C",
  min(p.user_key COLLATE "C"),
  min(p."timestamp"),
  max(p."timestamp"),
  count(*)::integer,
  NULL
FROM
  processed.tracks AS p
WHERE
  p.session_id IN (
    SELECT
      t.session_key
    FROM
      etl_tracker_sessions AS t
  )
GROUP BY
  p.session_id COLLATE "C";

-- [cook] session days of the rebuilt sessions, per reporting time zone ($1 = timeZones)
INSERT INTO
  cooked.session_days (time_zone, day, session_key, user_key)
SELECT
  z.time_zone COLLATE "C",
  (e."timestamp" AT time zone z.time_zone)::date,
  e.user_key || '#' || e.session_number,
  e.user_key
FROM
  etl_session_events AS e
  CROSS JOIN unnest($1::text[]) AS z (time_zone)
UNION
SELECT
  z.time_zone COLLATE "C",
  (p."timestamp" AT time zone z.time_zone)::date,
  p.session_id COLLATE "C",
  c.user_key COLLATE "C"
FROM
  processed.tracks AS p
  JOIN cooked.sessions AS c ON c.session_key = p.session_id
  CROSS JOIN unnest($1::text[]) AS z (time_zone)
WHERE
  p.session_id IN (
    SELECT
      t.session_key
    FROM
      etl_tracker_sessions AS t
  );

-- [cook] the (time zone, user, local day) pairs the chunk touches ($1 = timeZones)
CREATE TEMPORARY TABLE etl_affected ON COMMIT DROP AS
SELECT
  a.time_zone COLLATE "default" AS time_zone,
  a.user_key COLLATE "default" AS user_key,
  a.day
FROM
  (
    SELECT DISTINCT
      z.time_zone COLLATE "C" AS time_zone,
      n.user_key COLLATE "C" AS user_key,
      (n."timestamp" AT time zone z.time_zone)::date AS day
    FROM
      etl_new AS n
      CROSS JOIN unnest($1::text[]) AS z (time_zone)
  ) AS a;

-- [cook] statistics of etl_affected for the planner
ANALYZE etl_affected (time_zone, user_key, day);

-- [cook] every event of the affected user-days, with its session key
CREATE TEMPORARY TABLE etl_day_events ON COMMIT DROP AS
SELECT
  a.time_zone COLLATE "C" AS time_zone,
  a.day,
  p.user_key COLLATE "C" AS user_key,
  p."timestamp",
  p.event,
  p.revenue,
  coalesce(
    p.session_id COLLATE "C",
    (
      SELECT
        c.session_key
      FROM
        cooked.sessions AS c
      WHERE
        c.user_key = p.user_key
        AND c.session_number IS NOT NULL
        AND c.started_at <= p."timestamp"
      ORDER BY
        c.started_at DESC
      LIMIT
        1
    ) COLLATE "C"
  ) AS session_key,
  p."context_platform",
  p."context_language"
FROM
  etl_affected AS a
  JOIN processed.tracks AS p ON p.user_key = a.user_key
  AND p."timestamp" >= a.day::timestamp AT time zone a.time_zone
  AND p."timestamp" < (a.day + 1)::timestamp AT time zone a.time_zone;

-- [cook] statistics of etl_day_events for the planner
ANALYZE etl_day_events (time_zone, day, user_key);

-- [cook] drop the affected user-days
DELETE FROM cooked.user_days AS d USING etl_affected AS a
WHERE
  d.time_zone = a.time_zone
  AND d.user_key = a.user_key
  AND d.day = a.day;

-- [cook] recount the affected user-days
INSERT INTO
  cooked.user_days (
    time_zone,
    day,
    user_key,
    events,
    sessions,
    revenue,
    purchases,
    first_event_at,
    last_event_at
  )
SELECT
  g.time_zone,
  g.day,
  g.user_key,
  sum(g.events)::integer,
  count(g.session_key)::integer,
  coalesce(sum(g.revenue), 0),
  sum(g.purchases)::integer,
  min(g.first_at),
  max(g.last_at)
FROM
  (
    SELECT
      e.user_key,
      e.day,
      e.time_zone,
      e.session_key,
      count(*) AS events,
      sum(e.revenue) AS revenue,
      count(*) FILTER (
        WHERE
          e.event = 'purchase'
      ) AS purchases,
      min(e."timestamp") AS first_at,
      max(e."timestamp") AS last_at
    FROM
      etl_day_events AS e
    GROUP BY
      e.user_key,
      e.day,
      e.time_zone,
      e.session_key
  ) AS g
GROUP BY
  g.user_key,
  g.day,
  g.time_zone
ORDER BY
  g.time_zone,
  g.day,
  g.user_key;

-- [cook] drop the affected user-day dimension rows
DELETE FROM cooked.user_day_dimensions AS d USING etl_affected AS a
WHERE
  d.time_zone = a.time_zone
  AND d.user_key = a.user_key
  AND d.day = a.day;

-- [cook] recount the affected user-days per dimension value
INSERT INTO
  cooked.user_day_dimensions (
    time_zone,
    day,
    user_key,
    dimension,
    value,
    events,
    sessions,
    revenue,
    purchases
  )
SELECT
  g.time_zone,
  g.day,
  g.user_key,
  g.dimension,
  g.value,
  sum(g.events)::integer,
  count(g.session_key)::integer,
  coalesce(sum(g.revenue), 0),
  sum(g.purchases)::integer
FROM
  (
    SELECT
      e.user_key,
      e.day,
      e.time_zone,
      v.dimension,
      coalesce(v.value, '(none)') AS value,
      e.session_key,
      count(*) AS events,
      sum(e.revenue) AS revenue,
      count(*) FILTER (
        WHERE
          e.event = 'purchase'
      ) AS purchases
    FROM
      etl_day_events AS e
      CROSS JOIN LATERAL (
        VALUES
          (
            'platform',
            e."context_platform"::text COLLATE "C"
          ),
          (
            'language',
            e."context_language"::text COLLATE "C"
          )
      ) AS v (dimension, value)
    GROUP BY
      e.user_key,
      e.day,
      e.time_zone,
      v.dimension,
      coalesce(v.value, '(none)'),
      e.session_key
  ) AS g
GROUP BY
  g.user_key,
  g.day,
  g.time_zone,
  g.dimension,
  g.value
ORDER BY
  g.time_zone,
  g.day,
  g.user_key,
  g.dimension,
  g.value;

-- [cook] merge the new events into cooked.users ($1 = timeZones)
INSERT INTO
  cooked.users AS u (
    time_zone,
    user_key,
    user_id,
    anonymous_id,
    first_seen_at,
    last_seen_at,
    first_day,
    last_day,
    install_day,
    install_at,
    first_purchase_day,
    first_purchase_at,
    revenue,
    events
  )
SELECT
  z.time_zone,
  n.user_key,
  n.user_id,
  n.anonymous_id,
  n.first_seen_at,
  n.last_seen_at,
  (n.first_seen_at AT time zone z.time_zone)::date,
  (n.last_seen_at AT time zone z.time_zone)::date,
  (n.install_at AT time zone z.time_zone)::date,
  n.install_at,
  (n.first_purchase_at AT time zone z.time_zone)::date,
  n.first_purchase_at,
  n.revenue,
  n.events
FROM
  (
    SELECT
      e.user_key COLLATE "C" AS user_key,
      min(e.user_id) AS user_id,
      min(e.anonymous_id) AS anonymous_id,
      min(e."timestamp") AS first_seen_at,
      max(e."timestamp") AS last_seen_at,
      NULL::timestamptz AS install_at,
      min(e."timestamp") FILTER (
        WHERE
          e.event = 'purchase'
      ) AS first_purchase_at,
      coalesce(sum(e.revenue), 0) AS revenue,
      count(*) AS events
    FROM
      etl_new AS e
    GROUP BY
      e.user_key COLLATE "C"
  ) AS n
  CROSS JOIN unnest($1::text[]) AS z (time_zone)
ON CONFLICT (time_zone, user_key) DO UPDATE
SET
  user_id = least(u.user_id, excluded.user_id),
  anonymous_id = least(u.anonymous_id, excluded.anonymous_id),
  first_seen_at = least(u.first_seen_at, excluded.first_seen_at),
  last_seen_at = greatest(u.last_seen_at, excluded.last_seen_at),
  first_day = least(u.first_day, excluded.first_day),
  last_day = greatest(u.last_day, excluded.last_day),
  install_day = least(u.install_day, excluded.install_day),
  install_at = least(u.install_at, excluded.install_at),
  first_purchase_day = least(u.first_purchase_day, excluded.first_purchase_day),
  first_purchase_at = least(u.first_purchase_at, excluded.first_purchase_at),
  revenue = u.revenue + excluded.revenue,
  events = u.events + excluded.events;

-- [cook] identity link candidates: anonymousId → userId, alias previousId → userId (first occurrence of each)
CREATE TEMPORARY TABLE etl_link_candidates ON COMMIT DROP AS
SELECT DISTINCT
  ON (c.from_id COLLATE "C", c.to_id COLLATE "C") c.from_id,
  c.to_id,
  c.seq,
  c.linked_at
FROM
  (
    SELECT
      s.anonymous_id AS from_id,
      s.user_id AS to_id,
      s.seq,
      s.ts AS linked_at
    FROM
      etl_stage AS s
    WHERE
      s.status = 'ok'
      AND s.anonymous_id IS NOT NULL
      AND s.user_id IS NOT NULL
    UNION ALL
    SELECT
      p.previous_id,
      coalesce(p.user_id, p.anonymous_id),
      p.seq,
      p."timestamp"
    FROM
      processed.aliases AS p
      JOIN etl_stage AS s ON s.seq = p.seq
    WHERE
      s.status = 'ok'
      AND s.type = 'alias'
      AND p.previous_id IS NOT NULL
  ) AS c
WHERE
  c.from_id <> c.to_id
ORDER BY
  c.from_id COLLATE "C",
  c.to_id COLLATE "C",
  c.seq;

-- [cook] each id's first outgoing link, when it has none yet
CREATE TEMPORARY TABLE etl_new_links ON COMMIT DROP AS
SELECT DISTINCT
  ON (c.from_id COLLATE "C") c.from_id,
  c.to_id,
  c.seq,
  c.linked_at
FROM
  etl_link_candidates AS c
WHERE
  NOT EXISTS (
    SELECT
      1
    FROM
      cooked.identity_links AS l
    WHERE
      l.from_id = c.from_id
  )
ORDER BY
  c.from_id COLLATE "C",
  c.seq,
  c.to_id COLLATE "C";

-- [cook] keep the new links
INSERT INTO
  cooked.identity_links (from_id, to_id, seq, linked_at)
SELECT
  n.from_id,
  n.to_id,
  n.seq,
  n.linked_at
FROM
  etl_new_links AS n;

-- [cook] links of an already linked id to another target: conflicts, counted and never merged
INSERT INTO
  cooked.identity_conflicts (from_id, to_id, seq, linked_at)
SELECT
  c.from_id,
  c.to_id,
  c.seq,
  c.linked_at
FROM
  etl_link_candidates AS c
  JOIN cooked.identity_links AS l ON l.from_id = c.from_id
  AND l.to_id <> c.to_id
ON CONFLICT (from_id, to_id) DO NOTHING;

-- [cook] ids whose person can change: the ids of the persons the new links start from, and both ends
CREATE TEMPORARY TABLE etl_identity_scope ON COMMIT DROP AS
SELECT
  i.id
FROM
  cooked.identities AS i
  JOIN etl_new_links AS n ON i.person_key = n.from_id
UNION
SELECT
  n.from_id
FROM
  etl_new_links AS n
UNION
SELECT
  n.to_id
FROM
  etl_new_links AS n;

-- [cook] their links, marked when the target is in scope too
CREATE TEMPORARY TABLE etl_identity_edges ON COMMIT DROP AS
SELECT
  s.id,
  l.to_id,
  (
    l.to_id IS NOT NULL
    AND EXISTS (
      SELECT
        1
      FROM
        etl_identity_scope AS t
      WHERE
        t.id = l.to_id
    )
  ) AS inside,
  CASE
    WHEN l.to_id IS NULL THEN s.id
    ELSE coalesce(i.person_key, l.to_id)
  END AS outside_person,
  l.to_id IS NOT NULL
  AND coalesce(i.looped, false) AS outside_looped
FROM
  etl_identity_scope AS s
  LEFT JOIN cooked.identity_links AS l ON l.from_id = s.id
  LEFT JOIN cooked.identities AS i ON i.id = l.to_id;

-- [cook] index the links by target
CREATE INDEX ON etl_identity_edges (to_id)
WHERE
  inside;

-- [cook] index the links by id
CREATE INDEX ON etl_identity_edges (id);

-- [cook] statistics of etl_identity_edges for the planner
ANALYZE etl_identity_edges (id, to_id, inside);

-- [cook] persons, walking down from each chain end: one step per link, whatever the chain length
CREATE TEMPORARY TABLE etl_resolved ON COMMIT DROP AS
WITH RECURSIVE
  down (id, person_key, looped) AS (
    SELECT
      e.id,
      e.outside_person,
      e.outside_looped
    FROM
      etl_identity_edges AS e
    WHERE
      NOT e.inside
    UNION ALL
    SELECT
      e.id,
      d.person_key,
      d.looped
    FROM
      down AS d
      JOIN etl_identity_edges AS e ON e.inside
      AND e.to_id = d.id
  )
SELECT
  d.id,
  d.person_key,
  d.looped
FROM
  down AS d;

-- [cook] ids no chain end reaches lead into a loop: the loop's smallest id is their person
INSERT INTO
  etl_resolved (id, person_key, looped)
WITH RECURSIVE
  walk (start_id, node) AS (
    SELECT
      e.id,
      e.id
    FROM
      etl_identity_edges AS e
    WHERE
      NOT EXISTS (
        SELECT
          1
        FROM
          etl_resolved AS r
        WHERE
          r.id = e.id
      )
    UNION
    SELECT
      w.start_id,
      e.to_id
    FROM
      walk AS w
      JOIN etl_identity_edges AS e ON e.id = w.node
  ),
  on_loop AS (
    SELECT
      e.id
    FROM
      etl_identity_edges AS e
      JOIN walk AS w ON w.start_id = e.to_id
      AND w.node = e.id
  )
SELECT
  w.start_id,
  min(w.node COLLATE "C"),
  true
FROM
  walk AS w
WHERE
  w.node IN (
    SELECT
      o.id
    FROM
      on_loop AS o
  )
GROUP BY
  w.start_id;

-- [cook] ids whose person changed (an id not yet mapped was its own person)
CREATE TEMPORARY TABLE etl_identity_changes ON COMMIT DROP AS
SELECT
  r.id,
  coalesce(i.person_key, r.id) AS old_person,
  r.person_key AS new_person
FROM
  etl_resolved AS r
  LEFT JOIN cooked.identities AS i ON i.id = r.id
WHERE
  coalesce(i.person_key, r.id) <> r.person_key;

-- [cook] map every linked id to its person
INSERT INTO
  cooked.identities AS i (id, person_key, looped)
SELECT
  r.id,
  r.person_key,
  r.looped
FROM
  etl_resolved AS r
ON CONFLICT (id) DO UPDATE
SET
  person_key = excluded.person_key,
  looped = excluded.looped
WHERE
  i.person_key <> excluded.person_key
  OR i.looped <> excluded.looped;

-- [cook] persons whose ids changed (those that lost ids and those that gained them)
CREATE TEMPORARY TABLE etl_changed_persons ON COMMIT DROP AS
SELECT
  c.old_person AS person_key
FROM
  etl_identity_changes AS c
UNION
SELECT
  c.new_person
FROM
  etl_identity_changes AS c;

-- [cook] persons to re-cook: of the new events, and whose ids changed
CREATE TEMPORARY TABLE etl_persons ON COMMIT DROP AS
SELECT
  coalesce(i.person_key, n.user_key) AS person_key
FROM
  (
    SELECT DISTINCT
      e.user_key
    FROM
      etl_new AS e
  ) AS n
  LEFT JOIN cooked.identities AS i ON i.id = n.user_key
UNION
SELECT
  c.person_key
FROM
  etl_changed_persons AS c;

-- [cook] their ids
CREATE TEMPORARY TABLE etl_person_members ON COMMIT DROP AS
SELECT
  i.person_key,
  i.id AS user_key
FROM
  cooked.identities AS i
WHERE
  i.person_key IN (
    SELECT
      p.person_key
    FROM
      etl_persons AS p
  )
UNION ALL
SELECT
  p.person_key,
  p.person_key
FROM
  etl_persons AS p
WHERE
  NOT EXISTS (
    SELECT
      1
    FROM
      cooked.identities AS i
    WHERE
      i.id = p.person_key
  );

-- [cook] statistics of etl_person_members for the planner
ANALYZE etl_person_members (person_key, user_key);

-- [cook] the (time zone, person, local day) rows to re-cook: the days of the new events and of the inactivity sessions renumbered for them, every day of a changed person ($1 = timeZones)
CREATE TEMPORARY TABLE etl_person_affected ON COMMIT DROP AS
SELECT
  a.time_zone,
  coalesce(i.person_key, a.user_key) AS user_key,
  a.day
FROM
  etl_affected AS a
  LEFT JOIN cooked.identities AS i ON i.id = a.user_key
UNION
SELECT
  d.time_zone,
  coalesce(i.person_key, d.user_key),
  d.day
FROM
  (
    SELECT DISTINCT
      e.user_key || '#' || e.session_number AS session_key
    FROM
      etl_session_events AS e
  ) AS r
  CROSS JOIN unnest($1::text[]) AS z (time_zone)
  JOIN cooked.session_days AS d ON d.time_zone = z.time_zone
  AND d.session_key = r.session_key
  LEFT JOIN cooked.identities AS i ON i.id = d.user_key
UNION
SELECT
  d.time_zone,
  m.person_key,
  d.day
FROM
  etl_person_members AS m
  JOIN etl_changed_persons AS c ON c.person_key = m.person_key
  CROSS JOIN unnest($1::text[]) AS z (time_zone)
  JOIN cooked.user_days AS d ON d.time_zone = z.time_zone
  AND d.user_key = m.user_key;

-- [cook] statistics of etl_person_affected for the planner
ANALYZE etl_person_affected (time_zone, user_key, day);

-- [cook] every event of those person-days, with its session key
CREATE TEMPORARY TABLE etl_person_day_events ON COMMIT DROP AS
SELECT
  a.time_zone COLLATE "C" AS time_zone,
  a.day,
  a.user_key COLLATE "C" AS user_key,
  p."timestamp",
  p.event,
  p.revenue,
  coalesce(
    p.session_id COLLATE "C",
    (
      SELECT
        c.session_key
      FROM
        cooked.sessions AS c
      WHERE
        c.user_key = p.user_key
        AND c.session_number IS NOT NULL
        AND c.started_at <= p."timestamp"
      ORDER BY
        c.started_at DESC
      LIMIT
        1
    ) COLLATE "C"
  ) AS session_key,
  p."context_platform",
  p."context_language"
FROM
  etl_person_affected AS a
  JOIN etl_person_members AS m ON m.person_key = a.user_key
  CROSS JOIN LATERAL (
    SELECT
      p.*
    FROM
      processed.tracks AS p
    WHERE
      p.user_key = m.user_key
      AND p."timestamp" >= a.day::timestamp AT time zone a.time_zone
      AND p."timestamp" < (a.day + 1)::timestamp AT time zone a.time_zone
    OFFSET
      0
  ) AS p;

-- [cook] drop the re-cooked rows of cooked.person_days
DELETE FROM cooked.person_days AS d
WHERE
  d.user_key IN (
    SELECT
      c.person_key
    FROM
      etl_changed_persons AS c
  )
  OR EXISTS (
    SELECT
      1
    FROM
      etl_person_affected AS a
    WHERE
      a.time_zone = d.time_zone
      AND a.user_key = d.user_key
      AND a.day = d.day
  );

-- [cook] drop the re-cooked rows of cooked.person_session_days
DELETE FROM cooked.person_session_days AS d
WHERE
  d.user_key IN (
    SELECT
      c.person_key
    FROM
      etl_changed_persons AS c
  )
  OR EXISTS (
    SELECT
      1
    FROM
      etl_person_affected AS a
    WHERE
      a.time_zone = d.time_zone
      AND a.user_key = d.user_key
      AND a.day = d.day
  );

-- [cook] drop the re-cooked rows of cooked.person_day_dimensions
DELETE FROM cooked.person_day_dimensions AS d
WHERE
  d.user_key IN (
    SELECT
      c.person_key
    FROM
      etl_changed_persons AS c
  )
  OR EXISTS (
    SELECT
      1
    FROM
      etl_person_affected AS a
    WHERE
      a.time_zone = d.time_zone
      AND a.user_key = d.user_key
      AND a.day = d.day
  );

-- [cook] person-days
INSERT INTO
  cooked.person_days (
    time_zone,
    day,
    user_key,
    events,
    sessions,
    revenue,
    purchases,
    first_event_at,
    last_event_at
  )
SELECT
  g.time_zone,
  g.day,
  g.user_key,
  sum(g.events)::integer,
  count(g.session_key)::integer,
  coalesce(sum(g.revenue), 0),
  sum(g.purchases)::integer,
  min(g.first_at),
  max(g.last_at)
FROM
  (
    SELECT
      e.user_key,
      e.day,
      e.time_zone,
      e.session_key,
      count(*) AS events,
      sum(e.revenue) AS revenue,
      count(*) FILTER (
        WHERE
          e.event = 'purchase'
      ) AS purchases,
      min(e."timestamp") AS first_at,
      max(e."timestamp") AS last_at
    FROM
      etl_person_day_events AS e
    GROUP BY
      e.user_key,
      e.day,
      e.time_zone,
      e.session_key
  ) AS g
GROUP BY
  g.user_key,
  g.day,
  g.time_zone
ORDER BY
  g.time_zone,
  g.day,
  g.user_key;

-- [cook] person-days per dimension value
INSERT INTO
  cooked.person_day_dimensions (
    time_zone,
    day,
    user_key,
    dimension,
    value,
    events,
    sessions,
    revenue,
    purchases
  )
SELECT
  g.time_zone,
  g.day,
  g.user_key,
  g.dimension,
  g.value,
  sum(g.events)::integer,
  count(g.session_key)::integer,
  coalesce(sum(g.revenue), 0),
  sum(g.purchases)::integer
FROM
  (
    SELECT
      e.user_key,
      e.day,
      e.time_zone,
      v.dimension,
      coalesce(v.value, '(none)') AS value,
      e.session_key,
      count(*) AS events,
      sum(e.revenue) AS revenue,
      count(*) FILTER (
        WHERE
          e.event = 'purchase'
      ) AS purchases
    FROM
      etl_person_day_events AS e
      CROSS JOIN LATERAL (
        VALUES
          (
            'platform',
            e."context_platform"::text COLLATE "C"
          ),
          (
            'language',
            e."context_language"::text COLLATE "C"
          )
      ) AS v (dimension, value)
    GROUP BY
      e.user_key,
      e.day,
      e.time_zone,
      v.dimension,
      coalesce(v.value, '(none)'),
      e.session_key
  ) AS g
GROUP BY
  g.user_key,
  g.day,
  g.time_zone,
  g.dimension,
  g.value
ORDER BY
  g.time_zone,
  g.day,
  g.user_key,
  g.dimension,
  g.value;

-- [cook] person session days
INSERT INTO
  cooked.person_session_days (time_zone, day, user_key, session_key)
SELECT DISTINCT
  e.time_zone,
  e.day,
  e.user_key,
  e.session_key
FROM
  etl_person_day_events AS e
WHERE
  e.session_key IS NOT NULL;

-- [cook] drop the re-cooked persons
DELETE FROM cooked.persons AS p
WHERE
  p.user_key IN (
    SELECT
      e.person_key
    FROM
      etl_persons AS e
  );

-- [cook] the re-cooked persons, from their ids ($1 = timeZones)
INSERT INTO
  cooked.persons (
    time_zone,
    user_key,
    user_id,
    anonymous_id,
    first_seen_at,
    last_seen_at,
    first_day,
    last_day,
    install_day,
    install_at,
    first_purchase_day,
    first_purchase_at,
    revenue,
    events
  )
SELECT
  u.time_zone,
  m.person_key,
  min(u.user_id),
  min(u.anonymous_id),
  min(u.first_seen_at),
  max(u.last_seen_at),
  min(u.first_day),
  max(u.last_day),
  min(u.install_day),
  min(u.install_at),
  min(u.first_purchase_day),
  min(u.first_purchase_at),
  sum(u.revenue),
  sum(u.events)
FROM
  etl_person_members AS m
  CROSS JOIN unnest($1::text[]) AS z (time_zone)
  JOIN cooked.users AS u ON u.time_zone = z.time_zone
  AND u.user_key = m.user_key
GROUP BY
  u.time_zone,
  m.person_key;

-- then: watermark := $2, the chunk counts are added to tributary.etl_runs, and the run checks

-- extracted = loaded + rejected + duplicates before COMMIT (a violation rolls the chunk back).

-- The [cook] statements run only while the cooked tables are current (cook watermark = watermark).

COMMIT;

-- After the chunks of a --full run (or whenever the cooked tables fell behind), one transaction

-- cooks everything and sets the cook watermark to the ETL watermark:

BEGIN;

-- [cook] empty the cooked tables
TRUNCATE cooked.user_days,
cooked.user_day_dimensions,
cooked.users,
cooked.sessions,
cooked.session_days;

-- [cook] every track event with its session: tracker ids, else cut by 30 minutes of inactivity
CREATE TEMPORARY TABLE etl_all ON COMMIT DROP AS
SELECT
  e.user_key,
  e."timestamp",
  e.session_id,
  e.session_number,
  CASE
    WHEN e.session_id IS NULL THEN e.user_key || '#' || e.session_number
    ELSE e.session_id
  END AS session_key,
  e."user_id",
  e."anonymous_id",
  e."event",
  e."revenue",
  e."context_platform",
  e."context_language"
FROM
  (
    SELECT
      s.*,
      CASE
        WHEN s.session_id IS NULL THEN sum(s.starts) OVER (
          PARTITION BY
            s.user_key,
            s.session_id IS NULL
          ORDER BY
            s."timestamp",
            s.seq
        )
      END AS session_number
    FROM
      (
        SELECT
          p.user_key COLLATE "C" AS user_key,
          p."timestamp",
          p.seq,
          p.session_id COLLATE "C" AS session_id,
          p."user_id",
          p."anonymous_id",
          p."event",
          p."revenue",
          p."context_platform",
          p."context_language",
          CASE
            WHEN p."timestamp" - lag(p."timestamp") OVER w <= interval '30 minutes' THEN 0
            ELSE 1
          END AS starts
        FROM
          processed.tracks AS p
        WINDOW
          w AS (
            PARTITION BY
              p.user_key COLLATE "C",
              p.session_id IS NULL
            ORDER BY
              p."timestamp",
              p.seq
          )
      ) AS s
  ) AS e;

-- [cook] every session
INSERT INTO
  cooked.sessions (
    session_key,
    user_key,
    started_at,
    ended_at,
    events,
    session_number
  )
SELECT
  min(a.session_key),
  a.user_key,
  min(a."timestamp"),
  max(a."timestamp"),
  count(*)::integer,
  a.session_number::integer
FROM
  etl_all AS a
WHERE
  a.session_id IS NULL
GROUP BY
  a.user_key,
  a.session_number
UNION ALL
SELECT
  a.session_id,
  min(a.user_key),
  min(a."timestamp"),
  max(a."timestamp"),
  count(*)::integer,
  NULL
FROM
  etl_all AS a
WHERE
  a.session_id IS NOT NULL
GROUP BY
  a.session_id;

-- [cook] every (time zone, user, local day) event row ($1 = timeZones)
CREATE TEMPORARY TABLE etl_day_events ON COMMIT DROP AS
SELECT
  z.time_zone COLLATE "C" AS time_zone,
  (a."timestamp" AT time zone z.time_zone)::date AS day,
  a.user_key,
  a."timestamp",
  a.event,
  a.revenue,
  a.session_key,
  a."context_platform",
  a."context_language"
FROM
  etl_all AS a
  CROSS JOIN unnest($1::text[]) AS z (time_zone);

-- [cook] session days, per reporting time zone
INSERT INTO
  cooked.session_days (time_zone, day, session_key, user_key)
SELECT
  d.time_zone,
  d.day,
  d.session_key,
  s.user_key
FROM
  (
    SELECT DISTINCT
      e.time_zone,
      e.day,
      e.session_key
    FROM
      etl_day_events AS e
  ) AS d
  JOIN (
    SELECT
      c.session_key COLLATE "C" AS session_key,
      c.user_key
    FROM
      cooked.sessions AS c
  ) AS s ON s.session_key = d.session_key;

-- [cook] user-days
INSERT INTO
  cooked.user_days (
    time_zone,
    day,
    user_key,
    events,
    sessions,
    revenue,
    purchases,
    first_event_at,
    last_event_at
  )
SELECT
  g.time_zone,
  g.day,
  g.user_key,
  sum(g.events)::integer,
  count(g.session_key)::integer,
  coalesce(sum(g.revenue), 0),
  sum(g.purchases)::integer,
  min(g.first_at),
  max(g.last_at)
FROM
  (
    SELECT
      e.user_key,
      e.day,
      e.time_zone,
      e.session_key,
      count(*) AS events,
      sum(e.revenue) AS revenue,
      count(*) FILTER (
        WHERE
          e.event = 'purchase'
      ) AS purchases,
      min(e."timestamp") AS first_at,
      max(e."timestamp") AS last_at
    FROM
      etl_day_events AS e
    GROUP BY
      e.user_key,
      e.day,
      e.time_zone,
      e.session_key
  ) AS g
GROUP BY
  g.user_key,
  g.day,
  g.time_zone
ORDER BY
  g.time_zone,
  g.day,
  g.user_key;

-- [cook] user-days per dimension value
INSERT INTO
  cooked.user_day_dimensions (
    time_zone,
    day,
    user_key,
    dimension,
    value,
    events,
    sessions,
    revenue,
    purchases
  )
SELECT
  g.time_zone,
  g.day,
  g.user_key,
  g.dimension,
  g.value,
  sum(g.events)::integer,
  count(g.session_key)::integer,
  coalesce(sum(g.revenue), 0),
  sum(g.purchases)::integer
FROM
  (
    SELECT
      e.user_key,
      e.day,
      e.time_zone,
      v.dimension,
      coalesce(v.value, '(none)') AS value,
      e.session_key,
      count(*) AS events,
      sum(e.revenue) AS revenue,
      count(*) FILTER (
        WHERE
          e.event = 'purchase'
      ) AS purchases
    FROM
      etl_day_events AS e
      CROSS JOIN LATERAL (
        VALUES
          (
            'platform',
            e."context_platform"::text COLLATE "C"
          ),
          (
            'language',
            e."context_language"::text COLLATE "C"
          )
      ) AS v (dimension, value)
    GROUP BY
      e.user_key,
      e.day,
      e.time_zone,
      v.dimension,
      coalesce(v.value, '(none)'),
      e.session_key
  ) AS g
GROUP BY
  g.user_key,
  g.day,
  g.time_zone,
  g.dimension,
  g.value
ORDER BY
  g.time_zone,
  g.day,
  g.user_key,
  g.dimension,
  g.value;

-- [cook] users ($1 = timeZones)
INSERT INTO
  cooked.users AS u (
    time_zone,
    user_key,
    user_id,
    anonymous_id,
    first_seen_at,
    last_seen_at,
    first_day,
    last_day,
    install_day,
    install_at,
    first_purchase_day,
    first_purchase_at,
    revenue,
    events
  )
SELECT
  z.time_zone,
  n.user_key,
  n.user_id,
  n.anonymous_id,
  n.first_seen_at,
  n.last_seen_at,
  (n.first_seen_at AT time zone z.time_zone)::date,
  (n.last_seen_at AT time zone z.time_zone)::date,
  (n.install_at AT time zone z.time_zone)::date,
  n.install_at,
  (n.first_purchase_at AT time zone z.time_zone)::date,
  n.first_purchase_at,
  n.revenue,
  n.events
FROM
  (
    SELECT
      e.user_key COLLATE "C" AS user_key,
      min(e.user_id) AS user_id,
      min(e.anonymous_id) AS anonymous_id,
      min(e."timestamp") AS first_seen_at,
      max(e."timestamp") AS last_seen_at,
      NULL::timestamptz AS install_at,
      min(e."timestamp") FILTER (
        WHERE
          e.event = 'purchase'
      ) AS first_purchase_at,
      coalesce(sum(e.revenue), 0) AS revenue,
      count(*) AS events
    FROM
      etl_all AS e
    GROUP BY
      e.user_key COLLATE "C"
  ) AS n
  CROSS JOIN unnest($1::text[]) AS z (time_zone)
ON CONFLICT (time_zone, user_key) DO UPDATE
SET
  user_id = least(u.user_id, excluded.user_id),
  anonymous_id = least(u.anonymous_id, excluded.anonymous_id),
  first_seen_at = least(u.first_seen_at, excluded.first_seen_at),
  last_seen_at = greatest(u.last_seen_at, excluded.last_seen_at),
  first_day = least(u.first_day, excluded.first_day),
  last_day = greatest(u.last_day, excluded.last_day),
  install_day = least(u.install_day, excluded.install_day),
  install_at = least(u.install_at, excluded.install_at),
  first_purchase_day = least(u.first_purchase_day, excluded.first_purchase_day),
  first_purchase_at = least(u.first_purchase_at, excluded.first_purchase_at),
  revenue = u.revenue + excluded.revenue,
  events = u.events + excluded.events;

-- [cook] empty the identity and person tables
TRUNCATE cooked.identity_links,
cooked.identity_conflicts,
cooked.identities,
cooked.person_days,
cooked.person_day_dimensions,
cooked.persons,
cooked.person_session_days;

-- [cook] identity link candidates: anonymousId → userId, alias previousId → userId (first occurrence of each)
CREATE TEMPORARY TABLE etl_link_candidates ON COMMIT DROP AS
SELECT DISTINCT
  ON (c.from_id COLLATE "C", c.to_id COLLATE "C") c.from_id,
  c.to_id,
  c.seq,
  c.linked_at
FROM
  (
    SELECT
      p.anonymous_id AS from_id,
      p.user_id AS to_id,
      p.seq,
      p."timestamp" AS linked_at
    FROM
      processed.tracks AS p
    WHERE
      p.anonymous_id IS NOT NULL
      AND p.user_id IS NOT NULL
    UNION ALL
    SELECT
      p.anonymous_id AS from_id,
      p.user_id AS to_id,
      p.seq,
      p."timestamp" AS linked_at
    FROM
      processed.identifies AS p
    WHERE
      p.anonymous_id IS NOT NULL
      AND p.user_id IS NOT NULL
    UNION ALL
    SELECT
      p.anonymous_id AS from_id,
      p.user_id AS to_id,
      p.seq,
      p."timestamp" AS linked_at
    FROM
      processed.pages AS p
    WHERE
      p.anonymous_id IS NOT NULL
      AND p.user_id IS NOT NULL
    UNION ALL
    SELECT
      p.anonymous_id AS from_id,
      p.user_id AS to_id,
      p.seq,
      p."timestamp" AS linked_at
    FROM
      processed.screens AS p
    WHERE
      p.anonymous_id IS NOT NULL
      AND p.user_id IS NOT NULL
    UNION ALL
    SELECT
      p.anonymous_id AS from_id,
      p.user_id AS to_id,
      p.seq,
      p."timestamp" AS linked_at
    FROM
      processed.groups AS p
    WHERE
      p.anonymous_id IS NOT NULL
      AND p.user_id IS NOT NULL
    UNION ALL
    SELECT
      p.anonymous_id AS from_id,
      p.user_id AS to_id,
      p.seq,
      p."timestamp" AS linked_at
    FROM
      processed.aliases AS p
    WHERE
      p.anonymous_id IS NOT NULL
      AND p.user_id IS NOT NULL
    UNION ALL
    SELECT
      p.previous_id,
      coalesce(p.user_id, p.anonymous_id),
      p.seq,
      p."timestamp"
    FROM
      processed.aliases AS p
    WHERE
      p.previous_id IS NOT NULL
  ) AS c
WHERE
  c.from_id <> c.to_id
ORDER BY
  c.from_id COLLATE "C",
  c.to_id COLLATE "C",
  c.seq;

-- [cook] each id's first outgoing link, when it has none yet
CREATE TEMPORARY TABLE etl_new_links ON COMMIT DROP AS
SELECT DISTINCT
  ON (c.from_id COLLATE "C") c.from_id,
  c.to_id,
  c.seq,
  c.linked_at
FROM
  etl_link_candidates AS c
WHERE
  NOT EXISTS (
    SELECT
      1
    FROM
      cooked.identity_links AS l
    WHERE
      l.from_id = c.from_id
  )
ORDER BY
  c.from_id COLLATE "C",
  c.seq,
  c.to_id COLLATE "C";

-- [cook] keep the new links
INSERT INTO
  cooked.identity_links (from_id, to_id, seq, linked_at)
SELECT
  n.from_id,
  n.to_id,
  n.seq,
  n.linked_at
FROM
  etl_new_links AS n;

-- [cook] links of an already linked id to another target: conflicts, counted and never merged
INSERT INTO
  cooked.identity_conflicts (from_id, to_id, seq, linked_at)
SELECT
  c.from_id,
  c.to_id,
  c.seq,
  c.linked_at
FROM
  etl_link_candidates AS c
  JOIN cooked.identity_links AS l ON l.from_id = c.from_id
  AND l.to_id <> c.to_id
ON CONFLICT (from_id, to_id) DO NOTHING;

-- [cook] ids whose person can change: the ids of the persons the new links start from, and both ends
CREATE TEMPORARY TABLE etl_identity_scope ON COMMIT DROP AS
SELECT
  i.id
FROM
  cooked.identities AS i
  JOIN etl_new_links AS n ON i.person_key = n.from_id
UNION
SELECT
  n.from_id
FROM
  etl_new_links AS n
UNION
SELECT
  n.to_id
FROM
  etl_new_links AS n;

-- [cook] their links, marked when the target is in scope too
CREATE TEMPORARY TABLE etl_identity_edges ON COMMIT DROP AS
SELECT
  s.id,
  l.to_id,
  (
    l.to_id IS NOT NULL
    AND EXISTS (
      SELECT
        1
      FROM
        etl_identity_scope AS t
      WHERE
        t.id = l.to_id
    )
  ) AS inside,
  CASE
    WHEN l.to_id IS NULL THEN s.id
    ELSE coalesce(i.person_key, l.to_id)
  END AS outside_person,
  l.to_id IS NOT NULL
  AND coalesce(i.looped, false) AS outside_looped
FROM
  etl_identity_scope AS s
  LEFT JOIN cooked.identity_links AS l ON l.from_id = s.id
  LEFT JOIN cooked.identities AS i ON i.id = l.to_id;

-- [cook] index the links by target
CREATE INDEX ON etl_identity_edges (to_id)
WHERE
  inside;

-- [cook] index the links by id
CREATE INDEX ON etl_identity_edges (id);

-- [cook] statistics of etl_identity_edges for the planner
ANALYZE etl_identity_edges (id, to_id, inside);

-- [cook] persons, walking down from each chain end: one step per link, whatever the chain length
CREATE TEMPORARY TABLE etl_resolved ON COMMIT DROP AS
WITH RECURSIVE
  down (id, person_key, looped) AS (
    SELECT
      e.id,
      e.outside_person,
      e.outside_looped
    FROM
      etl_identity_edges AS e
    WHERE
      NOT e.inside
    UNION ALL
    SELECT
      e.id,
      d.person_key,
      d.looped
    FROM
      down AS d
      JOIN etl_identity_edges AS e ON e.inside
      AND e.to_id = d.id
  )
SELECT
  d.id,
  d.person_key,
  d.looped
FROM
  down AS d;

-- [cook] ids no chain end reaches lead into a loop: the loop's smallest id is their person
INSERT INTO
  etl_resolved (id, person_key, looped)
WITH RECURSIVE
  walk (start_id, node) AS (
    SELECT
      e.id,
      e.id
    FROM
      etl_identity_edges AS e
    WHERE
      NOT EXISTS (
        SELECT
          1
        FROM
          etl_resolved AS r
        WHERE
          r.id = e.id
      )
    UNION
    SELECT
      w.start_id,
      e.to_id
    FROM
      walk AS w
      JOIN etl_identity_edges AS e ON e.id = w.node
  ),
  on_loop AS (
    SELECT
      e.id
    FROM
      etl_identity_edges AS e
      JOIN walk AS w ON w.start_id = e.to_id
      AND w.node = e.id
  )
SELECT
  w.start_id,
  min(w.node COLLATE "C"),
  true
FROM
  walk AS w
WHERE
  w.node IN (
    SELECT
      o.id
    FROM
      on_loop AS o
  )
GROUP BY
  w.start_id;

-- [cook] ids whose person changed (an id not yet mapped was its own person)
CREATE TEMPORARY TABLE etl_identity_changes ON COMMIT DROP AS
SELECT
  r.id,
  coalesce(i.person_key, r.id) AS old_person,
  r.person_key AS new_person
FROM
  etl_resolved AS r
  LEFT JOIN cooked.identities AS i ON i.id = r.id
WHERE
  coalesce(i.person_key, r.id) <> r.person_key;

-- [cook] map every linked id to its person
INSERT INTO
  cooked.identities AS i (id, person_key, looped)
SELECT
  r.id,
  r.person_key,
  r.looped
FROM
  etl_resolved AS r
ON CONFLICT (id) DO UPDATE
SET
  person_key = excluded.person_key,
  looped = excluded.looped
WHERE
  i.person_key <> excluded.person_key
  OR i.looped <> excluded.looped;

-- [cook] persons whose ids changed (those that lost ids and those that gained them)
CREATE TEMPORARY TABLE etl_changed_persons ON COMMIT DROP AS
SELECT
  c.old_person AS person_key
FROM
  etl_identity_changes AS c
UNION
SELECT
  c.new_person
FROM
  etl_identity_changes AS c;

-- [cook] every event row with its person
CREATE TEMPORARY TABLE etl_person_day_events ON COMMIT DROP AS
SELECT
  e.time_zone,
  e.day,
  coalesce(i.person_key, e.user_key) COLLATE "C" AS user_key,
  e."timestamp",
  e.event,
  e.revenue,
  e.session_key,
  e."context_platform",
  e."context_language"
FROM
  etl_day_events AS e
  LEFT JOIN cooked.identities AS i ON i.id = e.user_key;

-- [cook] person-days
INSERT INTO
  cooked.person_days (
    time_zone,
    day,
    user_key,
    events,
    sessions,
    revenue,
    purchases,
    first_event_at,
    last_event_at
  )
SELECT
  g.time_zone,
  g.day,
  g.user_key,
  sum(g.events)::integer,
  count(g.session_key)::integer,
  coalesce(sum(g.revenue), 0),
  sum(g.purchases)::integer,
  min(g.first_at),
  max(g.last_at)
FROM
  (
    SELECT
      e.user_key,
      e.day,
      e.time_zone,
      e.session_key,
      count(*) AS events,
      sum(e.revenue) AS revenue,
      count(*) FILTER (
        WHERE
          e.event = 'purchase'
      ) AS purchases,
      min(e."timestamp") AS first_at,
      max(e."timestamp") AS last_at
    FROM
      etl_person_day_events AS e
    GROUP BY
      e.user_key,
      e.day,
      e.time_zone,
      e.session_key
  ) AS g
GROUP BY
  g.user_key,
  g.day,
  g.time_zone
ORDER BY
  g.time_zone,
  g.day,
  g.user_key;

-- [cook] person-days per dimension value
INSERT INTO
  cooked.person_day_dimensions (
    time_zone,
    day,
    user_key,
    dimension,
    value,
    events,
    sessions,
    revenue,
    purchases
  )
SELECT
  g.time_zone,
  g.day,
  g.user_key,
  g.dimension,
  g.value,
  sum(g.events)::integer,
  count(g.session_key)::integer,
  coalesce(sum(g.revenue), 0),
  sum(g.purchases)::integer
FROM
  (
    SELECT
      e.user_key,
      e.day,
      e.time_zone,
      v.dimension,
      coalesce(v.value, '(none)') AS value,
      e.session_key,
      count(*) AS events,
      sum(e.revenue) AS revenue,
      count(*) FILTER (
        WHERE
          e.event = 'purchase'
      ) AS purchases
    FROM
      etl_person_day_events AS e
      CROSS JOIN LATERAL (
        VALUES
          (
            'platform',
            e."context_platform"::text COLLATE "C"
          ),
          (
            'language',
            e."context_language"::text COLLATE "C"
          )
      ) AS v (dimension, value)
    GROUP BY
      e.user_key,
      e.day,
      e.time_zone,
      v.dimension,
      coalesce(v.value, '(none)'),
      e.session_key
  ) AS g
GROUP BY
  g.user_key,
  g.day,
  g.time_zone,
  g.dimension,
  g.value
ORDER BY
  g.time_zone,
  g.day,
  g.user_key,
  g.dimension,
  g.value;

-- [cook] person session days
INSERT INTO
  cooked.person_session_days (time_zone, day, user_key, session_key)
SELECT DISTINCT
  e.time_zone,
  e.day,
  e.user_key,
  e.session_key
FROM
  etl_person_day_events AS e
WHERE
  e.session_key IS NOT NULL;

-- [cook] every person
CREATE TEMPORARY TABLE etl_persons ON COMMIT DROP AS
SELECT DISTINCT
  coalesce(i.person_key, u.user_key) AS person_key
FROM
  (
    SELECT DISTINCT
      u.user_key
    FROM
      cooked.users AS u
  ) AS u
  LEFT JOIN cooked.identities AS i ON i.id = u.user_key;

-- [cook] their ids
CREATE TEMPORARY TABLE etl_person_members ON COMMIT DROP AS
SELECT
  i.person_key,
  i.id AS user_key
FROM
  cooked.identities AS i
WHERE
  i.person_key IN (
    SELECT
      p.person_key
    FROM
      etl_persons AS p
  )
UNION ALL
SELECT
  p.person_key,
  p.person_key
FROM
  etl_persons AS p
WHERE
  NOT EXISTS (
    SELECT
      1
    FROM
      cooked.identities AS i
    WHERE
      i.id = p.person_key
  );

-- [cook] persons, from their ids ($1 = timeZones)
INSERT INTO
  cooked.persons (
    time_zone,
    user_key,
    user_id,
    anonymous_id,
    first_seen_at,
    last_seen_at,
    first_day,
    last_day,
    install_day,
    install_at,
    first_purchase_day,
    first_purchase_at,
    revenue,
    events
  )
SELECT
  u.time_zone,
  m.person_key,
  min(u.user_id),
  min(u.anonymous_id),
  min(u.first_seen_at),
  max(u.last_seen_at),
  min(u.first_day),
  max(u.last_day),
  min(u.install_day),
  min(u.install_at),
  min(u.first_purchase_day),
  min(u.first_purchase_at),
  sum(u.revenue),
  sum(u.events)
FROM
  etl_person_members AS m
  CROSS JOIN unnest($1::text[]) AS z (time_zone)
  JOIN cooked.users AS u ON u.time_zone = z.time_zone
  AND u.user_key = m.user_key
GROUP BY
  u.time_zone,
  m.person_key;

-- [cook] fresh planner statistics for the rebuilt tables and the event tables (metric and funnel queries plan on them at once; an embedded database has no autovacuum)
ANALYZE processed.tracks,
processed."purchase",
cooked.user_days,
cooked.user_day_dimensions,
cooked.users,
cooked.sessions,
cooked.session_days,
cooked.identity_links,
cooked.identity_conflicts,
cooked.identities,
cooked.person_days,
cooked.person_day_dimensions,
cooked.persons,
cooked.person_session_days;

-- and builds the secondary indexes a --full run dropped:

CREATE INDEX IF NOT EXISTS "purchase_timestamp_idx" ON "processed"."purchase" ("timestamp");

CREATE INDEX IF NOT EXISTS "purchase_user_id_idx" ON "processed"."purchase" ("user_id");

CREATE INDEX IF NOT EXISTS "tracks_timestamp_idx" ON "processed"."tracks" ("timestamp");

CREATE INDEX IF NOT EXISTS "tracks_session_id_idx" ON "processed"."tracks" ("session_id");

CREATE INDEX IF NOT EXISTS "identifies_timestamp_idx" ON "processed"."identifies" ("timestamp");

CREATE INDEX IF NOT EXISTS "pages_timestamp_idx" ON "processed"."pages" ("timestamp");

CREATE INDEX IF NOT EXISTS "screens_timestamp_idx" ON "processed"."screens" ("timestamp");

CREATE INDEX IF NOT EXISTS "groups_timestamp_idx" ON "processed"."groups" ("timestamp");

CREATE INDEX IF NOT EXISTS "aliases_timestamp_idx" ON "processed"."aliases" ("timestamp");

CREATE INDEX IF NOT EXISTS "user_days_time_zone_day_idx" ON "cooked"."user_days" ("time_zone", "day");

CREATE INDEX IF NOT EXISTS "user_day_dimensions_time_zone_dimension_day_idx" ON "cooked"."user_day_dimensions" ("time_zone", "dimension", "day");

CREATE INDEX IF NOT EXISTS "users_time_zone_install_day_idx" ON "cooked"."users" ("time_zone", "install_day");

CREATE INDEX IF NOT EXISTS "sessions_user_key_started_at_idx" ON "cooked"."sessions" ("user_key", "started_at");

CREATE INDEX IF NOT EXISTS "session_days_time_zone_day_idx" ON "cooked"."session_days" ("time_zone", "day");

CREATE INDEX IF NOT EXISTS "session_days_time_zone_user_key_day_idx" ON "cooked"."session_days" ("time_zone", "user_key", "day");

CREATE INDEX IF NOT EXISTS "identity_links_to_id_idx" ON "cooked"."identity_links" ("to_id");

CREATE INDEX IF NOT EXISTS "identities_person_key_idx" ON "cooked"."identities" ("person_key");

CREATE INDEX IF NOT EXISTS "person_days_time_zone_day_idx" ON "cooked"."person_days" ("time_zone", "day");

CREATE INDEX IF NOT EXISTS "person_day_dimensions_time_zone_dimension_day_idx" ON "cooked"."person_day_dimensions" ("time_zone", "dimension", "day");

CREATE INDEX IF NOT EXISTS "persons_time_zone_install_day_idx" ON "cooked"."persons" ("time_zone", "install_day");

CREATE INDEX IF NOT EXISTS "person_session_days_time_zone_day_idx" ON "cooked"."person_session_days" ("time_zone", "day");

COMMIT;

-- --full starts with (one transaction):

TRUNCATE "processed"."purchase",
"processed"."tracks",
"processed"."identifies",
"processed"."pages",
"processed"."screens",
"processed"."groups",
"processed"."aliases",
"cooked"."user_days",
"cooked"."user_day_dimensions",
"cooked"."users",
"cooked"."sessions",
"cooked"."session_days",
"cooked"."identity_links",
"cooked"."identity_conflicts",
"cooked"."identities",
"cooked"."person_days",
"cooked"."person_day_dimensions",
"cooked"."persons",
"cooked"."person_session_days";

delete from "raw"."rejected"
where
  "stage" = $1;

insert into
  "tributary"."watermarks" ("name", "seq", "updated_at")
values
  ($1, $2, now())
on conflict ("name") do update
set
  "seq" = "excluded"."seq",
  "updated_at" = now();

insert into
  "tributary"."watermarks" ("name", "seq", "updated_at")
values
  ($1, $2, now())
on conflict ("name") do update
set
  "seq" = "excluded"."seq",
  "updated_at" = now();

DROP INDEX IF EXISTS "processed"."purchase_timestamp_idx";

DROP INDEX IF EXISTS "processed"."purchase_user_id_idx";

DROP INDEX IF EXISTS "processed"."tracks_timestamp_idx";

DROP INDEX IF EXISTS "processed"."tracks_session_id_idx";

DROP INDEX IF EXISTS "processed"."identifies_timestamp_idx";

DROP INDEX IF EXISTS "processed"."pages_timestamp_idx";

DROP INDEX IF EXISTS "processed"."screens_timestamp_idx";

DROP INDEX IF EXISTS "processed"."groups_timestamp_idx";

DROP INDEX IF EXISTS "processed"."aliases_timestamp_idx";

DROP INDEX IF EXISTS "cooked"."user_days_time_zone_day_idx";

DROP INDEX IF EXISTS "cooked"."user_day_dimensions_time_zone_dimension_day_idx";

DROP INDEX IF EXISTS "cooked"."users_time_zone_install_day_idx";

DROP INDEX IF EXISTS "cooked"."sessions_user_key_started_at_idx";

DROP INDEX IF EXISTS "cooked"."session_days_time_zone_day_idx";

DROP INDEX IF EXISTS "cooked"."session_days_time_zone_user_key_day_idx";

DROP INDEX IF EXISTS "cooked"."identity_links_to_id_idx";

DROP INDEX IF EXISTS "cooked"."identities_person_key_idx";

DROP INDEX IF EXISTS "cooked"."person_days_time_zone_day_idx";

DROP INDEX IF EXISTS "cooked"."person_day_dimensions_time_zone_dimension_day_idx";

DROP INDEX IF EXISTS "cooked"."persons_time_zone_install_day_idx";

DROP INDEX IF EXISTS "cooked"."person_session_days_time_zone_day_idx";
