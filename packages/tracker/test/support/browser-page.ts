import { createBrowserTracker } from '../../src/browser.js';
import { testPlan } from '../../src/test-helpers/plan.js';

/** The page script of the browser test: one tracker, exposed on window for the test to drive. */
const tracker = createBrowserTracker({
  plan: testPlan,
  endpoint: location.origin,
  writeKey: 'e2e-write-key',
  flushAt: 500,
  flushIntervalMs: 60_000,
  backoff: { baseMs: 200, maxMs: 1000 },
  onViolation: 'throw',
});

Object.assign(globalThis, { tracker });
