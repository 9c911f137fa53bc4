export {
  type CompiledExperiment,
  compileExperiment,
  ExperimentError,
  type ExperimentErrorCode,
  type ResolvedExperimentMetric,
} from './compile-experiment.js';
export {
  defineExperiment,
  EXPERIMENT_METRIC_KINDS,
  type ExperimentDefinition,
  type ExperimentMetric,
  type ExperimentMetricKind,
  type ExperimentWindow,
} from './experiment-spec.js';
