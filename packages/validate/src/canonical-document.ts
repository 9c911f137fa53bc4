import { fromPlanDocument, type PlanDocument, toPlanDocument } from '@tributary/schema';

/**
 * Reads a plan document back through `fromPlanDocument`, so generators only ever see a checked,
 * normalised document (names valid, schemas in Tributary's subset). A malformed document — e.g.
 * hand-edited JSON — fails here with a SchemaDefinitionError instead of producing broken code.
 */
export function canonicalDocument(document: PlanDocument): PlanDocument {
  return toPlanDocument(fromPlanDocument(document));
}
