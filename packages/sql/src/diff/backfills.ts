import type { ColumnModel, TableModel } from '../model/types.js';
import type { ColumnBackfill } from '../statements.js';

/**
 * Where the rows a table already holds get the value of a NOT NULL column Tributary added to its
 * own tables after warehouses existed; `undefined` for any other column (added nullable, then a
 * destructive SET NOT NULL).
 *
 * - `source` of the processed tables (the key became `(message_id, source)` when message ids were
 *   deduplicated per source): each processed row has the `seq` of the raw row it was loaded from,
 *   whose `source` it takes.
 */
export function backfillOf(table: TableModel, column: ColumnModel): ColumnBackfill | undefined {
  if (table.schema === 'processed' && column.name === 'source' && table.columns.some((c) => c.name === 'seq'))
    return { schema: 'raw', table: 'events', on: 'seq' };
  return undefined;
}
