import { type RawBuilder, sql } from 'kysely';
import { quoteIdentifier } from '../identifiers.js';
import type { FunnelEventTable, ResolvedCondition } from './funnel-spec.js';

/** The SQL pieces both funnel plans build from. */
export type Fragment = RawBuilder<unknown>;
export const raw = (text: string): Fragment => sql.raw(text);
export const join = (parts: readonly Fragment[], separator = ', '): Fragment =>
  sql.join(parts, raw(separator));
export const TS = quoteIdentifier('timestamp');

/** Whether a row `l` of one of the step's event tables passes all of a step's conditions (values are parameters). */
export function conditionsSql(table: FunnelEventTable, conditions: readonly ResolvedCondition[]): Fragment {
  const op = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
  return join(
    conditions.map((c) => {
      const col = raw(
        `l.${quoteIdentifier((table.properties.get(c.property) as { column: string }).column)}`,
      );
      if (c.op === 'in') return sql`${col} = any(${sql.val(c.value)})`;
      return sql`${col} ${raw(op[c.op])} ${sql.val(c.value)}`;
    }),
    ' and ',
  );
}
