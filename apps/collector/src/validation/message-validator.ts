import type { PlanDocument } from '@tributary/schema';
import { compileValidators, type MessageValidation } from '@tributary/validate';

/** Validates one enriched Segment message against the plan. */
export type MessageValidator = (message: unknown) => MessageValidation;

/** The plan's generated validators (`@tributary/validate`), compiled once per collector. */
export function createMessageValidator(plan: PlanDocument): MessageValidator {
  const validators = compileValidators(plan);
  return (message) => validators.validateMessage(message);
}
