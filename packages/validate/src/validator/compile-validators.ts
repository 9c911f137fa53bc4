import type { PlanDocument } from '@tributary/schema';
import type { CompiledValidators } from '../violation.js';
import { emitValidatorSource, type ValidatorOptions } from './emit-validator-source.js';

/**
 * Compiles validators for every event version of a plan: generates JavaScript from the plan
 * document's JSON Schemas and instantiates it with `new Function` (no zod, no schema
 * interpretation at run time).
 *
 * @example
 * const validators = compileValidators(toPlanDocument(plan));
 * validators.validateMessage({ type: 'track', event: 'level_up', anonymousId: 'a1', properties: { level: 3 } });
 */
export function compileValidators(
  document: PlanDocument,
  options: ValidatorOptions = {},
): CompiledValidators {
  const factory = new Function(emitValidatorSource(document, options)) as () => CompiledValidators;
  return factory();
}
