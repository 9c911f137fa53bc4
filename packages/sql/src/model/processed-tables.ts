import type { ClassifiedVersion, ObjectSchema } from '@tributary/schema';
import { shortenIdentifier } from '../identifiers.js';
import { type FlatColumn, flattenObject } from './flatten.js';
import { assertDistinctNames, type NameClaim } from './names.js';
import { buildTable, type ColumnSpec, column, NOW } from './table-builder.js';
import type { TableModel } from './types.js';

/** Envelope columns every processed table starts with (Segment-spec fields Tributary keeps). */
function envelopeColumns(): ColumnSpec[] {
  return [
    column('message_id', 'text', { notNull: true }),
    column('seq', 'bigint', { notNull: true }),
    column('user_id', 'text'),
    column('anonymous_id', 'text'),
    column('timestamp', 'timestamptz', { notNull: true }),
    column('original_timestamp', 'timestamptz'),
    column('sent_at', 'timestamptz'),
    column('received_at', 'timestamptz', { notNull: true }),
    column('event_version', 'integer', { notNull: true }),
    column('session_id', 'text'),
    column('session_index', 'integer'),
  ];
}

/** One major line of an event: the versions that share a processed table. */
export interface EventLine {
  readonly event: string;
  readonly major: number;
  readonly first: boolean;
  readonly versions: readonly ClassifiedVersion[];
}

/** Groups classified versions into lines (one processed table each), in plan order. */
export function eventLines(classified: readonly ClassifiedVersion[]): EventLine[] {
  const lines: { event: string; major: number; first: boolean; versions: ClassifiedVersion[] }[] = [];
  for (const version of classified) {
    const last = lines.at(-1);
    if (last && last.event === version.event.name && last.major === version.major)
      last.versions.push(version);
    else
      lines.push({
        event: version.event.name,
        major: version.major,
        first: last?.event !== version.event.name,
        versions: [version],
      });
  }
  return lines;
}

/** `<event>` for an event's first line, `<event>_v<major>` for a line started by a breaking version. */
export function lineTableName(line: Pick<EventLine, 'event' | 'major' | 'first'>): string {
  return line.first ? line.event : `${line.event}_v${line.major}`;
}

/**
 * The processed table of one line: envelope, context columns (always nullable), `loaded_at`, then
 * the union of the line's property columns in the order they first appear. A column missing from any version, or
 * optional / nullable in any version, is nullable; the latest version that has it gives its type.
 */
export function processedTable(
  line: EventLine,
  context: ObjectSchema,
  contextColumns?: readonly string[],
): TableModel {
  const fullName = lineTableName(line);
  const where = `table processed.${shortenIdentifier(fullName)}`;
  const contextFlat = flattenObject(selectContext(context, contextColumns), 'context_');
  const merged = new Map<string, { flat: FlatColumn; versions: number; source: string }>();
  const claims: NameClaim[] = [];
  const envelope = envelopeColumns();
  for (const c of envelope) claims.push({ full: c.name, source: `envelope column "${c.name}"` });
  for (const c of contextFlat) claims.push({ full: c.name, source: `context property "${c.path}"` });
  claims.push({ full: 'loaded_at', source: 'envelope column "loaded_at"' });
  for (const { event } of line.versions) {
    for (const flat of flattenObject(event.properties)) {
      const key = `${flat.name}\u0000${flat.path}`;
      const seen = merged.get(key);
      if (seen) {
        merged.set(key, {
          flat: {
            ...flat,
            mapping: { ...flat.mapping, nullable: flat.mapping.nullable || seen.flat.mapping.nullable },
          },
          versions: seen.versions + 1,
          source: seen.source,
        });
      } else {
        const source = `property "${flat.path}" of ${event.name} v${event.version}`;
        merged.set(key, { flat, versions: 1, source });
        claims.push({ full: flat.name, source });
      }
    }
  }
  assertDistinctNames(claims, 'column', where);
  const toSpec = (flat: FlatColumn, from: 'properties' | 'context', alwaysPresent: boolean): ColumnSpec => ({
    name: shortenIdentifier(flat.name),
    type: flat.mapping.type,
    nullable: flat.mapping.nullable || !alwaysPresent,
    ...(flat.mapping.allowed !== undefined ? { allowed: flat.mapping.allowed } : {}),
    source: { from, path: flat.path.split('.') },
  });
  return buildTable({
    schema: 'processed',
    name: fullName,
    origin: {
      kind: 'event',
      event: line.event,
      major: line.major,
      versions: line.versions.map((v) => v.event.version),
    },
    columns: [
      ...envelope,
      // Context has no versions and changes plan-wide, so its columns stay nullable: a new required
      // context property must not make old rows invalid.
      ...contextFlat.map((flat) => toSpec(flat, 'context', false)),
      column('loaded_at', 'timestamptz', { notNull: true, default: NOW }),
      ...[...merged.values()].map((m) => toSpec(m.flat, 'properties', m.versions === line.versions.length)),
    ],
    primaryKey: ['message_id'],
    indexes: [['timestamp'], ['user_id']],
  });
}

function selectContext(context: ObjectSchema, names: readonly string[] | undefined): ObjectSchema {
  if (names === undefined) return context;
  const keep = new Set(names);
  return {
    ...context,
    properties: Object.fromEntries(Object.entries(context.properties).filter(([key]) => keep.has(key))),
    required: context.required.filter((key) => keep.has(key)),
  };
}
