export { type DemoOptions, type DemoResult, runDemo } from './demo/run-demo.js';
export {
  type CountedFigures,
  type DemoSummary,
  formatSummary,
  pooledRatio,
  pooledRetention,
} from './demo/summary.js';
export {
  appInstall,
  experimentViewed,
  levelUpV1,
  levelUpV2,
  plan,
  purchase,
  sessionEnd,
  sessionStart,
} from './plan.js';
export {
  type SimulatedDevice,
  type SimulatedMessage,
  type SimulatedUser,
  type SimulationOptions,
  simulate,
} from './simulate/simulate.js';
