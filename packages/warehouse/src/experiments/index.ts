export {
  type ExperimentReadout,
  type MetricComparison,
  type MetricReadout,
  type RunExperimentOptions,
  runExperiment,
  type VariantValue,
} from './run-experiment.js';
