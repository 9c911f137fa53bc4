export { discoverMetricCatalog } from './discover-catalog.js';
export { explainMetric, type MetricRun, type RunMetricOptions, runMetric } from './run-metric.js';
