import { type PlanDocument, TributaryError, toPlanDocument } from '@tributary/schema';
import { expect, test } from 'vitest';
import { emitTrackingClient } from './client/emit-client.js';
import { flagPlan } from './test-fixtures/fixture-plan.js';
import { compileValidators } from './validator/compile-validators.js';

const document = toPlanDocument(flagPlan);
const withFirstEvent = (patch: Record<string, unknown>) =>
  ({
    ...document,
    events: [{ ...document.events[0], ...patch }, ...document.events.slice(1)],
  }) as unknown as PlanDocument;

test('a malformed document is refused with a SchemaDefinitionError before any code is generated', () => {
  const unsupported = withFirstEvent({ properties: { level: { type: 'weird' } } });
  expect(() => compileValidators(unsupported)).toThrow(/event "level_up" v1: level: .*weird/);
  // An event name that would break out of a generated comment is not a valid name.
  const injected = withFirstEvent({
    'x-tributary-event': { name: 'x\nprocess.exit(1)//', version: 1, priority: 'normal' },
    $id: undefined,
  });
  let error: unknown;
  try {
    emitTrackingClient(injected);
  } catch (caught) {
    error = caught;
  }
  expect(TributaryError.isInstance(error) && error.code).toBe('invalid_name');
  expect(() => compileValidators(injected)).toThrow(/must match/);
});
