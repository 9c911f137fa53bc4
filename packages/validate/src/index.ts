export { emitTrackingClient } from './client/emit-client.js';
export {
  CODE_ARTIFACT_PATHS,
  type CodeArtifact,
  findStaleArtifacts,
  generateCodeArtifacts,
  type StaleArtifact,
} from './codegen/artifacts.js';
export { compileValidators } from './validator/compile-validators.js';
export { emitValidatorModule, type ValidatorModule } from './validator/emit-validator-module.js';
export { emitValidatorSource, type ValidatorOptions } from './validator/emit-validator-source.js';
export { DEFAULT_LIMITS, resolveLimits, type ValidationLimits } from './validator/limits.js';
export {
  type CompiledValidators,
  type MessageValidation,
  RULES,
  type Rule,
  type Violation,
} from './violation.js';
