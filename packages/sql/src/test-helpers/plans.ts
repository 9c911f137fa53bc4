import {
  makeEvent,
  makePlan,
  normalizeObjectSchema,
  type PlanDocument,
  toPlanDocument,
} from '@tributary/schema';

/** A compact way for tests to write event versions as JSON Schema. */
export interface TestEvent {
  readonly name: string;
  readonly version?: number;
  readonly properties: Record<string, unknown>;
  readonly required?: readonly string[];
}

/** A plan document from plain JSON Schema events (and an optional context), as the pipeline reads it. */
export function testDocument(
  events: readonly TestEvent[],
  context: Record<string, unknown> = {},
  contextRequired: readonly string[] = [],
): PlanDocument {
  const object = (properties: Record<string, unknown>, required: readonly string[] = []) => ({
    type: 'object',
    properties,
    required,
    additionalProperties: false,
  });
  return toPlanDocument(
    makePlan({
      name: 'test-plan',
      additionalProperties: 'reject',
      context: normalizeObjectSchema(object(context, contextRequired), 'test context'),
      events: events.map((e) =>
        makeEvent({
          name: e.name,
          version: e.version ?? 1,
          priority: 'normal',
          properties: normalizeObjectSchema(object(e.properties, e.required), `test ${e.name}`),
        }),
      ),
    }),
  );
}
