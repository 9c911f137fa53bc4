import { SqlError } from '../errors.js';
import { assertDistinctNames, type NameClaim } from '../model/names.js';
import { buildTable, type ColumnSpec, column, NOW } from '../model/table-builder.js';
import type { TableModel } from '../model/types.js';
import type { EtlColumn } from './etl-columns.js';
import type { EtlLine, EtlPlan } from './etl-plan.js';

const ZERO = { kind: 'literal', value: 0 } as const;

/** The Segment message types and the processed table of each non-track type. */
export const NON_TRACK_TABLES = {
  identify: 'identifies',
  page: 'pages',
  screen: 'screens',
  group: 'groups',
  alias: 'aliases',
} as const;

/** Names in schema `processed` the ETL itself uses; an event line may not take them. */
export const RESERVED_PROCESSED_TABLES = ['tracks', ...Object.values(NON_TRACK_TABLES)] as const;

/** Processed rows are keyed like raw.events: a message id is unique per source. */
const MESSAGE_KEY = ['message_id', 'source'];

function messageEnvelope(): ColumnSpec[] {
  return [
    column('message_id', 'text', { notNull: true }),
    column('source', 'text', { notNull: true }),
    column('seq', 'bigint', { notNull: true }),
    column('user_id', 'text'),
    column('anonymous_id', 'text'),
    column('timestamp', 'timestamptz', { notNull: true }),
    column('original_timestamp', 'timestamptz'),
    column('sent_at', 'timestamptz'),
    column('received_at', 'timestamptz', { notNull: true }),
  ];
}

function toSpec(c: Pick<EtlColumn, 'name' | 'type' | 'nullable' | 'allowed' | 'from'>): ColumnSpec {
  return {
    name: c.name,
    type: c.type,
    nullable: c.nullable,
    ...(c.allowed ? { allowed: c.allowed } : {}),
    ...(c.from ? { source: c.from } : {}),
  };
}

/** The union of columns over a line's versions: latest type wins; nullable when absent or nullable in any version. */
export function unionColumns(perVersion: readonly (readonly EtlColumn[])[]): ColumnSpec[] {
  const merged = new Map<string, { column: EtlColumn; count: number; nullable: boolean }>();
  for (const columns of perVersion) {
    for (const c of columns) {
      const seen = merged.get(c.name);
      merged.set(c.name, {
        column: c,
        count: (seen?.count ?? 0) + 1,
        nullable: (seen?.nullable ?? false) || c.nullable,
      });
    }
  }
  return [...merged.values()].map((m) =>
    toSpec({ ...m.column, nullable: m.nullable || m.count < perVersion.length }),
  );
}

/**
 * The processed table of one event line with the ETL's declarations applied: envelope, the
 * selected context columns (and split parts), `loaded_at`, then the line's property columns after
 * `etl.columns` filtering, unit conversions (numeric), splits and merges.
 */
export function etlProcessedTable(line: EtlLine): TableModel {
  const envelope = [
    ...messageEnvelope(),
    column('event_version', 'integer', { notNull: true }),
    column('session_id', 'text'),
    column('session_index', 'integer'),
  ];
  // Context columns are always nullable: a context property added to the plan later must not be a
  // NOT NULL column added to tables that already hold rows.
  const context = unionColumns(line.versions.map((v) => v.context)).map((c) => ({ ...c, nullable: true }));
  const properties = unionColumns(line.versions.map((v) => v.properties));
  const claims: NameClaim[] = [
    ...envelope.map((c) => ({ full: c.name, source: `envelope column "${c.name}"` })),
    ...line.versions.flatMap((v) => v.context.map((c) => ({ full: c.fullName, source: c.source }))),
    { full: 'loaded_at', source: 'envelope column "loaded_at"' },
    ...line.versions.flatMap((v) =>
      v.properties.map((c) => ({ full: c.fullName, source: `${c.source} of ${v.event} v${v.version}` })),
    ),
  ];
  assertDistinctNames(dedupeClaims(claims), 'column', `table processed.${line.table}`);
  return buildTable({
    schema: 'processed',
    name: line.table,
    origin: {
      kind: 'event',
      event: line.event,
      major: line.major,
      versions: line.versions.map((v) => v.version),
    },
    columns: [
      ...envelope,
      ...context,
      column('loaded_at', 'timestamptz', { notNull: true, default: NOW }),
      ...properties,
    ],
    primaryKey: MESSAGE_KEY,
    indexes: [['timestamp'], ['user_id']],
  });
}

/** The same column claimed by several versions of a line is one column, not a collision. */
function dedupeClaims(claims: readonly NameClaim[]): NameClaim[] {
  const seen = new Map<string, NameClaim>();
  for (const claim of claims) {
    const key = `${claim.full}\u0000${claim.source.replace(/ of \S+ v\d+$/, '')}`;
    if (!seen.has(key)) seen.set(key, claim);
  }
  return [...seen.values()];
}

/** `processed.tracks`: every loaded track event of any event/version, the cooking source. */
export function processedTracksTable(plan: EtlPlan): TableModel {
  return buildTable({
    schema: 'processed',
    name: 'tracks',
    columns: [
      column('message_id', 'text', { notNull: true }),
      column('source', 'text', { notNull: true }),
      column('seq', 'bigint', { notNull: true }),
      column('event', 'text', { notNull: true }),
      column('event_version', 'integer', { notNull: true }),
      column('user_key', 'text', { notNull: true }),
      column('user_id', 'text'),
      column('anonymous_id', 'text'),
      column('timestamp', 'timestamptz', { notNull: true }),
      column('session_id', 'text'),
      column('fingerprint', 'text'),
      column('revenue', 'numeric'),
      column('currency', 'text'),
      ...plan.trackContext.map((c) => toSpec({ ...c, nullable: true })),
      column('user_agent', 'text'),
      column('loaded_at', 'timestamptz', { notNull: true, default: NOW }),
    ],
    primaryKey: MESSAGE_KEY,
    indexes: [['user_key', 'timestamp'], ['timestamp'], ['fingerprint'], ['session_id']],
  });
}

/** `processed.identifies`, `pages`, `screens`, `groups`, `aliases`: the non-track messages. */
export function nonTrackTables(): TableModel[] {
  const table = (name: string, extra: ColumnSpec[]) =>
    buildTable({
      schema: 'processed',
      name,
      columns: [
        ...messageEnvelope(),
        ...extra,
        column('loaded_at', 'timestamptz', { notNull: true, default: NOW }),
      ],
      primaryKey: MESSAGE_KEY,
      indexes: [['timestamp']],
    });
  return [
    table(NON_TRACK_TABLES.identify, [column('traits', 'jsonb')]),
    table(NON_TRACK_TABLES.page, [column('name', 'text'), column('properties', 'jsonb')]),
    table(NON_TRACK_TABLES.screen, [column('name', 'text'), column('properties', 'jsonb')]),
    table(NON_TRACK_TABLES.group, [column('group_id', 'text'), column('traits', 'jsonb')]),
    table(NON_TRACK_TABLES.alias, [column('previous_id', 'text')]),
  ];
}

const timeZoneColumn = () => column('time_zone', 'text', { notNull: true });
const userKeyColumn = () => column('user_key', 'text', { notNull: true });
const dayColumn = () => column('day', 'date', { notNull: true });

/**
 * Activity per (time zone, local day, counted unit): `cooked.user_days` counts user keys,
 * `cooked.person_days` the same columns per person (`user_key` holds the person key).
 */
function dayTable(name: string): TableModel {
  return buildTable({
    schema: 'cooked',
    name,
    columns: [
      timeZoneColumn(),
      dayColumn(),
      userKeyColumn(),
      column('events', 'integer', { notNull: true, default: ZERO }),
      column('sessions', 'integer', { notNull: true, default: ZERO }),
      column('revenue', 'numeric', { notNull: true, default: ZERO }),
      column('purchases', 'integer', { notNull: true, default: ZERO }),
      column('first_event_at', 'timestamptz'),
      column('last_event_at', 'timestamptz'),
    ],
    primaryKey: ['time_zone', 'user_key', 'day'],
    indexes: [['time_zone', 'day']],
  });
}

/** The day table split by dimension value (`user_day_dimensions`, `person_day_dimensions`). */
function dayDimensionTable(name: string): TableModel {
  return buildTable({
    schema: 'cooked',
    name,
    columns: [
      timeZoneColumn(),
      dayColumn(),
      userKeyColumn(),
      column('dimension', 'text', { notNull: true }),
      column('value', 'text', { notNull: true }),
      column('events', 'integer', { notNull: true, default: ZERO }),
      column('sessions', 'integer', { notNull: true, default: ZERO }),
      column('revenue', 'numeric', { notNull: true, default: ZERO }),
      column('purchases', 'integer', { notNull: true, default: ZERO }),
    ],
    primaryKey: ['time_zone', 'dimension', 'value', 'user_key', 'day'],
    indexes: [['time_zone', 'dimension', 'day']],
  });
}

/** One row per counted unit and time zone: first/last seen, install, first purchase, totals. */
function unitTable(name: string): TableModel {
  return buildTable({
    schema: 'cooked',
    name,
    columns: [
      timeZoneColumn(),
      userKeyColumn(),
      column('user_id', 'text'),
      column('anonymous_id', 'text'),
      column('first_seen_at', 'timestamptz', { notNull: true }),
      column('last_seen_at', 'timestamptz', { notNull: true }),
      column('first_day', 'date', { notNull: true }),
      column('last_day', 'date', { notNull: true }),
      column('install_day', 'date'),
      column('install_at', 'timestamptz'),
      column('first_purchase_day', 'date'),
      column('first_purchase_at', 'timestamptz'),
      column('revenue', 'numeric', { notNull: true, default: ZERO }),
      column('events', 'bigint', { notNull: true, default: ZERO }),
    ],
    primaryKey: ['time_zone', 'user_key'],
    indexes: [['time_zone', 'install_day']],
  });
}

/** The cooked tables keyed by user key (userId, else anonymousId), keyed by reporting time zone first. */
export function etlCookedTables(): TableModel[] {
  return [
    dayTable('user_days'),
    dayDimensionTable('user_day_dimensions'),
    unitTable('users'),
    buildTable({
      schema: 'cooked',
      name: 'sessions',
      columns: [
        column('session_key', 'text', { notNull: true }),
        userKeyColumn(),
        column('started_at', 'timestamptz', { notNull: true }),
        column('ended_at', 'timestamptz', { notNull: true }),
        column('events', 'integer', { notNull: true }),
        // n of `<user_key>#<n>` for sessions cut by inactivity; NULL for the tracker's session ids.
        column('session_number', 'integer'),
      ],
      primaryKey: ['session_key'],
      indexes: [['user_key', 'started_at']],
    }),
    buildTable({
      schema: 'cooked',
      name: 'session_days',
      columns: [
        timeZoneColumn(),
        dayColumn(),
        column('session_key', 'text', { notNull: true }),
        userKeyColumn(),
      ],
      primaryKey: ['time_zone', 'session_key', 'day'],
      indexes: [
        ['time_zone', 'day'],
        ['time_zone', 'user_key', 'day'],
      ],
    }),
  ];
}

/**
 * The identity graph and the person-level cooked tables (plan `etl.identity.mode` = `stitch`):
 * `identity_links` (each id's first outgoing link, which decides its person), `identity_conflicts`
 * (later links of an id to another target: counted, never merged), `identities` (every linked id →
 * its person key), and `person_days`, `person_day_dimensions`, `persons`, `person_session_days`
 * with the columns of their per-id counterparts, `user_key` holding the person key.
 */
export function identityTables(): TableModel[] {
  const link = [
    column('from_id', 'text', { notNull: true }),
    column('to_id', 'text', { notNull: true }),
    column('seq', 'bigint', { notNull: true }),
    column('linked_at', 'timestamptz', { notNull: true }),
  ];
  return [
    buildTable({
      schema: 'cooked',
      name: 'identity_links',
      columns: link,
      primaryKey: ['from_id'],
      indexes: [['to_id']],
    }),
    buildTable({
      schema: 'cooked',
      name: 'identity_conflicts',
      columns: link,
      primaryKey: ['from_id', 'to_id'],
    }),
    buildTable({
      schema: 'cooked',
      name: 'identities',
      columns: [
        column('id', 'text', { notNull: true }),
        column('person_key', 'text', { notNull: true }),
        // The id's links lead into a loop (a → b → a): its person is the loop's smallest id.
        column('looped', 'boolean', { notNull: true, default: { kind: 'literal', value: false } }),
      ],
      primaryKey: ['id'],
      indexes: [['person_key']],
    }),
    dayTable('person_days'),
    dayDimensionTable('person_day_dimensions'),
    unitTable('persons'),
    buildTable({
      schema: 'cooked',
      name: 'person_session_days',
      columns: [
        timeZoneColumn(),
        dayColumn(),
        userKeyColumn(),
        column('session_key', 'text', { notNull: true }),
      ],
      primaryKey: ['time_zone', 'user_key', 'day', 'session_key'],
      indexes: [['time_zone', 'day']],
    }),
  ];
}

/**
 * The ETL's tables for a plan: processed event tables with the declared transforms applied,
 * `processed.tracks` and the non-track tables, and the cooked tables.
 */
export function etlTables(plan: EtlPlan): TableModel[] {
  for (const line of plan.lines) {
    if ((RESERVED_PROCESSED_TABLES as readonly string[]).includes(line.table))
      throw new SqlError(
        'identifier_collision',
        `schema processed: event "${line.event}" and the ETL's own table both become table "${line.table}" (reserved: ${RESERVED_PROCESSED_TABLES.join(', ')}); rename the event.`,
        { where: 'schema processed', name: line.table },
      );
  }
  return [
    ...plan.lines.map(etlProcessedTable),
    processedTracksTable(plan),
    ...nonTrackTables(),
    ...etlCookedTables(),
    ...(plan.identityMode === 'stitch' ? identityTables() : []),
  ];
}
