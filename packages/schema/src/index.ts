export {
  type Compatibility,
  type CompatibilityKind,
  CHANGE_KINDS,
  type ChangeName,
  compareEventVersions,
  compareSchemas,
  type SchemaChange,
} from './compatibility.js';
export {
  type ColumnTransform,
  type EventEtl,
  IDENTITY_MODES,
  type IdentityMode,
  type MergeSpec,
  type MetricRoles,
  type PlanEtl,
  type RevenueRole,
  type SplitSpec,
  TEXT_NORMALIZATIONS,
  type TextNormalization,
  type Threshold,
  type UnitConversion,
  units,
} from './etl-declarations.js';
export { leafAt, leafPaths } from './etl-validation.js';
export { SchemaDefinitionError, type SchemaErrorCode, TributaryError } from './errors.js';
export {
  type DefineEventOptions,
  defineEvent,
  type EventDefinition,
  MAX_VERSION,
  makeEvent,
  money,
  PRIORITIES,
  type Priority,
  zodSchemaOf,
} from './event.js';
export {
  assertPlanEvolution,
  type ClassifiedVersion,
  checkPlanEvolution,
  classifyVersions,
  type EvolutionProblem,
  type EvolutionResult,
} from './evolution.js';
export {
  type AnyOfSchema,
  type ArraySchema,
  type BooleanSchema,
  isNullable,
  type JsonSchema,
  type JsonValue,
  type NullSchema,
  type NumberSchema,
  type ObjectSchema,
  type StringFormat,
  type StringSchema,
  unwrapNullable,
} from './json-schema.js';
export {
  assertValidName,
  MAX_NAME_BYTES,
  NAME_PATTERN,
  RESERVED_NAMES,
  RESERVED_PREFIX,
  suggestSnakeCase,
} from './names.js';
export { normalizeJsonSchema, normalizeObjectSchema } from './normalize.js';
export {
  type AdditionalProperties,
  type DefinePlanOptions,
  definePlan,
  eventNames,
  eventVersions,
  latestEvent,
  makePlan,
  type Plan,
} from './plan.js';
export {
  type EventSchemaDocument,
  eventSchemaDocument,
  eventSchemaId,
  fromPlanDocument,
  JSON_SCHEMA_DIALECT,
  PLAN_DOCUMENT_FORMAT,
  type PlanDocument,
  toPlanDocument,
} from './plan-document.js';
export { sortKeys, stableStringify } from './stable-json.js';
export type {
  EventName,
  EventProperties,
  EventVersion,
  LatestVersion,
  PlanContext,
  PlanEvents,
  PropertiesOf,
} from './types.js';
