import { type EventDefinition, makeEvent, normalizeObjectSchema } from '@tributary/schema';

/**
 * A version-1 event for hand-written test plans: `properties` as JSON Schema property schemas,
 * `required` among them, no other properties allowed.
 *
 * @example
 * makePlan({ name: 'shop', events: [planEvent('purchase', { amount: { type: 'number' } }, ['amount'])], … })
 */
export function planEvent(
  name: string,
  properties: Record<string, unknown>,
  required: string[] = [],
): EventDefinition {
  return makeEvent({
    name,
    version: 1,
    priority: 'normal',
    properties: normalizeObjectSchema(
      { type: 'object', properties, required, additionalProperties: false },
      `test event ${name}`,
    ),
  });
}
