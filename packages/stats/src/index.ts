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
} from './tests/confidence-sequence.js';
export { type CupedArm, type CupedResult, type CupedSummary, cupedWelchTTest } from './tests/cuped.js';
export {
  compareRatioMetrics,
  type RatioComparisonResult,
  type RatioEstimate,
  type RatioSummary,
  ratioMetric,
} from './tests/ratio-metric.js';
export {
  SAMPLE_RATIO_MISMATCH_THRESHOLD,
  type SampleRatioMismatchOptions,
  type SampleRatioMismatchResult,
  sampleRatioMismatch,
} from './tests/sample-ratio-mismatch.js';
export {
  type ProportionSummary,
  type TwoProportionZTestResult,
  twoProportionZTest,
} from './tests/two-proportion-z-test.js';
export { type MeanSummary, type WelchTTestResult, welchTTest } from './tests/welch-t-test.js';
