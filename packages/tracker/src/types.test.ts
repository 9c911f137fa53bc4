import { describe, expect, it } from 'vitest';
import { harness } from './test-helpers/harness.js';

// These lines are checked by `tsc -p tsconfig.json` (the typecheck task): each @ts-expect-error
// fails the typecheck if the call below it starts to compile.
describe('track() types follow the plan', () => {
  it('accepts valid calls and rejects wrong names and properties at compile time', () => {
    const { tracker } = harness({ onViolation: 'off' });
    tracker.track('level_up', { level: 1, character: 'knight' });
    tracker.track('level_up', { level: 1 }, { version: 1 });
    tracker.track('purchase', { sku: 'gem', price: 100 }, { priority: 'low' });
    // Never called: these calls only have to fail to compile.
    const wrongCalls = () => {
      // @ts-expect-error unknown event name
      tracker.track('level_upp', { level: 1 });
      // @ts-expect-error latest version (2) requires character
      tracker.track('level_up', { level: 1 });
      // @ts-expect-error wrong property type
      tracker.track('purchase', { sku: 'gem', price: '100' });
      // @ts-expect-error enum value not in the plan
      tracker.track('level_up', { level: 1, character: 'bard' });
      // @ts-expect-error version 1 has no character
      tracker.track('level_up', { level: 1, character: 'knight' }, { version: 1 });
      // @ts-expect-error no version 3
      tracker.track('level_up', { level: 1 }, { version: 3 });
      // @ts-expect-error not a priority
      tracker.track('ping', { n: 1 }, { priority: 'urgent' });
    };
    expect(wrongCalls).toBeTypeOf('function');
    expect(tracker.queuedCount).toBeGreaterThan(0);
  });
});
