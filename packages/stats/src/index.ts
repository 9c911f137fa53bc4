export type { ComparisonFields, Interval, RelativeLift, TestOptions } from './comparison.js';
export { DEFAULT_ALPHA } from './comparison.js';
export { chiSquareCdf, chiSquareSurvival } from './distributions/chi-square.js';
export { normalCdf, normalQuantile } from './distributions/normal.js';
export { studentTCdf, studentTQuantile } from './distributions/student-t.js';
export { StatsError, type StatsErrorCode } from './errors.js';
export { type ArmEstimate, deltaMethodRelativeLift } from './relative-lift.js';
export {
  type ConfidenceSequenceOptions,
  type ConfidenceSequenceResult,
  confidenceSequence,
  DEFAULT_TUNING_SAMPLE_SIZE,
  type SequentialEstimate,
} from './inference/confidence-sequence.js';
export { type CupedArm, type CupedResult, type CupedSummary, cupedWelchTTest } from './inference/cuped.js';
export {
  compareRatioMetrics,
  type RatioComparisonResult,
  type RatioEstimate,
  type RatioSummary,
  ratioMetric,
} from './inference/ratio-metric.js';
export {
  SAMPLE_RATIO_MISMATCH_THRESHOLD,
  type SampleRatioMismatchOptions,
  type SampleRatioMismatchResult,
  sampleRatioMismatch,
} from './inference/sample-ratio-mismatch.js';
export {
  type ProportionSummary,
  type TwoProportionZTestResult,
  twoProportionZTest,
} from './inference/two-proportion-z-test.js';
export { type MeanSummary, type WelchTTestResult, welchTTest } from './inference/welch-t-test.js';
