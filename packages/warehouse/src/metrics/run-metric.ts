import {
  type CompiledMetricQuery,
  compileMetricQuery,
  formatMetricQuery,
  type MetricCatalog,
  type MetricName,
  type MetricResult,
  type MetricSpec,
} from '@tributary/sql';
import type { SqlRunner } from '../warehouse.js';
import { discoverMetricCatalog } from './discover-catalog.js';

/** Options of `runMetric` and `explainMetric`. */
export interface RunMetricOptions {
  /** Reporting zones and dimensions to check the spec against (e.g. `metricCatalogOf(planDocument)`); default: read from the cooked tables. */
  readonly catalog?: MetricCatalog;
  /** The clock for the default last complete day (yesterday in the spec's zone); default `Date.now`. */
  readonly now?: () => number;
}

/** A metric's rows with the query that produced them. */
export interface MetricRun<M extends MetricName> {
  readonly query: CompiledMetricQuery<M>;
  readonly rows: MetricResult<M>[];
}

/**
 * Runs one metric over the cooked tables and returns typed rows (counts and ratios as numbers,
 * days as `YYYY-MM-DD`). Cells after the last complete day (default: yesterday in the spec's zone,
 * or `to` when that is earlier) are NULL.
 *
 * @example
 * const { rows } = await runMetric(warehouse, { metric: 'dau', from: '2026-03-01', to: '2026-03-31', timeZone: 'UTC' });
 * rows[0]; // { day: '2026-03-01', dau: 1234 }
 */
export async function runMetric<M extends MetricName>(
  warehouse: SqlRunner,
  spec: MetricSpec<M>,
  options: RunMetricOptions = {},
): Promise<MetricRun<M>> {
  const catalog = options.catalog ?? (await discoverMetricCatalog(warehouse));
  const query = compileMetricQuery(withLastCompleteDay(spec, catalog, options.now ?? Date.now), catalog);
  const rows = await warehouse.query<MetricResult<M>>(query.sql, query.parameters);
  return { query, rows };
}

/**
 * The formatted SQL `runMetric` would run (parameters as `$n`, listed after the query), for
 * `tributary metrics --sql`. Without a catalog the spec's own zone and dimensions are accepted.
 *
 * @example
 * explainMetric({ metric: 'dau', from: '2026-03-01', to: '2026-03-31' }).text // 'with\n  active as (…'
 */
export function explainMetric<M extends MetricName>(
  spec: MetricSpec<M>,
  options: RunMetricOptions = {},
): { readonly text: string; readonly query: CompiledMetricQuery<M> } {
  const catalog = options.catalog ?? {
    reportingTimeZones: [spec.timeZone ?? 'UTC'],
    dimensions: [
      ...(spec.breakdown ? [spec.breakdown] : []),
      ...(spec.filters ?? []).map((f) => f.dimension),
    ],
    identityMode: 'stitch',
  };
  const query = compileMetricQuery(withLastCompleteDay(spec, catalog, options.now ?? Date.now), catalog);
  const parameters = query.parameters.map((value, i) => `-- $${i + 1} = ${JSON.stringify(value)}`).join('\n');
  return { text: `${formatMetricQuery(query)};\n${parameters}\n`, query };
}

function withLastCompleteDay<M extends MetricName>(
  spec: MetricSpec<M>,
  catalog: MetricCatalog,
  now: () => number,
): MetricSpec<M> {
  if (spec.lastCompleteDay !== undefined) return spec;
  const zone = spec.timeZone ?? catalog.reportingTimeZones[0] ?? 'UTC';
  let today: string;
  try {
    today = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(new Date(now()));
  } catch {
    return spec; // an unknown zone: compileMetricQuery reports it
  }
  const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return { ...spec, lastCompleteDay: yesterday };
}
