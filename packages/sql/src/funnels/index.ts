export {
  type CompiledFunnel,
  type CompileFunnelOptions,
  compileFunnel,
  type FunnelPlan,
  formatFunnelSql,
  funnelPlanOf,
} from './compile-funnel.js';
export {
  assembleFunnelResult,
  type FunnelResult,
  type FunnelSeriesRow,
  type FunnelStepResult,
} from './funnel-results.js';
export {
  FUNNEL_COUNT_BY,
  FUNNEL_ORDERS,
  type FunnelCatalog,
  type FunnelCondition,
  type FunnelConditionInput,
  type FunnelCountBy,
  type FunnelExclusion,
  type FunnelOrder,
  type FunnelSpec,
  type FunnelStep,
  type FunnelStepInput,
  type FunnelWhere,
  type FunnelWindow,
  MAX_FUNNEL_STEPS,
  MIN_FUNNEL_STEPS,
  type ResolvedFunnelSpec,
} from './funnel-spec.js';
export {
  FunnelError,
  type FunnelErrorCode,
  funnelCatalogOf,
  parseFunnelWindow,
  resolveFunnelSpec,
} from './resolve-funnel-spec.js';
export {
  assembleTimeToConvert,
  type CompiledTimeToConvert,
  compileFunnelTimeToConvert,
  type FunnelTimeToConvert,
  TIME_TO_CONVERT_BUCKETS,
  type TimeToConvertBucket,
} from './time-to-convert.js';
export { funnelCanPrune, funnelPrunesToEntries } from './timeline-funnel.js';
