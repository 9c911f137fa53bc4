import { buildTable, column, NOW } from './table-builder.js';
import type { TableModel } from './types.js';

/**
 * `raw.events`: every accepted message as received (the lake); `seq` is the ETL watermark. Message
 * ids are unique per source: `(message_id, source)`, message_id first so that a lookup by id alone
 * still uses the index.
 */
export function rawEventsTable(): TableModel {
  return buildTable({
    schema: 'raw',
    name: 'events',
    columns: [
      column('seq', 'bigserial', { notNull: true }),
      column('message_id', 'text', { notNull: true }),
      column('received_at', 'timestamptz', { notNull: true }),
      column('source', 'text', { notNull: true }),
      column('type', 'text', { notNull: true }),
      column('event', 'text'),
      column('payload', 'jsonb', { notNull: true }),
    ],
    primaryKey: ['seq'],
    unique: [['message_id', 'source']],
    indexes: [['event', 'seq']],
  });
}

/** `raw.rejected`: what arrived and could not be accepted, with machine-readable reasons. */
export function rawRejectedTable(): TableModel {
  return buildTable({
    schema: 'raw',
    name: 'rejected',
    columns: [
      column('id', 'bigserial', { notNull: true }),
      column('received_at', 'timestamptz', { notNull: true, default: NOW }),
      column('stage', 'text', { notNull: true, allowed: ['collector', 'etl'] }),
      column('source', 'text'),
      column('message_id', 'text'),
      column('reasons', 'jsonb', { notNull: true }),
      column('payload', 'text', { notNull: true }),
    ],
    primaryKey: ['id'],
  });
}

/** `tributary.etl_runs` (reconciliation counts per run) and `tributary.watermarks`. */
export function bookkeepingTables(): TableModel[] {
  const zero = { kind: 'literal', value: 0 } as const;
  return [
    buildTable({
      schema: 'tributary',
      name: 'etl_runs',
      columns: [
        column('id', 'bigserial', { notNull: true }),
        column('started_at', 'timestamptz', { notNull: true, default: NOW }),
        column('finished_at', 'timestamptz'),
        column('mode', 'text', { notNull: true }),
        column('from_seq', 'bigint'),
        column('to_seq', 'bigint'),
        column('extracted', 'bigint', { notNull: true, default: zero }),
        column('loaded', 'bigint', { notNull: true, default: zero }),
        column('rejected', 'bigint', { notNull: true, default: zero }),
        column('duplicates', 'bigint', { notNull: true, default: zero }),
        column('rejected_by_reason', 'jsonb', { notNull: true, default: { kind: 'literal', value: '{}' } }),
        column('duration_ms', 'bigint'),
      ],
      primaryKey: ['id'],
    }),
    buildTable({
      schema: 'tributary',
      name: 'watermarks',
      columns: [
        column('name', 'text', { notNull: true }),
        column('seq', 'bigint', { notNull: true }),
        column('updated_at', 'timestamptz', { notNull: true, default: NOW }),
      ],
      primaryKey: ['name'],
    }),
  ];
}
