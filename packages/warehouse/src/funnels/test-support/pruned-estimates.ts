import type { ResolvedFunnelSpec } from '@tributary/sql';

/**
 * Table row estimates (`tableRows`) that make a funnel prune rows to each unit's entries when it
 * can: none in step 1's tables, one in every other table and in `processed.tracks`.
 */
export function prunedEstimates(resolved: ResolvedFunnelSpec): Record<string, number> {
  const entry = new Set(resolved.steps[0]?.tables.map((t) => t.table));
  return Object.fromEntries([
    ['tracks', 1] as const,
    ...resolved.steps.flatMap((s) => s.tables.map((t) => [t.table, entry.has(t.table) ? 0 : 1] as const)),
  ]);
}
