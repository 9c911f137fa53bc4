export { type CompiledMetricQuery, compileMetricQuery, formatMetricQuery } from './compile-metric.js';
export { MetricError, type MetricErrorCode } from './metric-error.js';
export type { MetricResult, MetricRows, RetentionRow } from './metric-results.js';
export {
  METRIC_NAMES,
  type MetricCatalog,
  type MetricFilter,
  type MetricName,
  type MetricSpec,
  metricCatalogOf,
  type ResolvedMetricSpec,
} from './metric-spec.js';
export { isMetricName, resolveMetricSpec } from './resolve-metric-spec.js';
