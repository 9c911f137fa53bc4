import { createBrowserTracker } from '../../src/browser.js';
import { testPlan } from '../../src/test-helpers/plan.js';

/** The page script of the browser test: one tracker (endpoint and key from the query string), exposed on window. */
const query = new URL(location.href).searchParams;
const tracker = createBrowserTracker({
  plan: testPlan,
  endpoint: query.get('endpoint') ?? location.origin,
  writeKey: query.get('key') ?? 'e2e-write-key',
  flushAt: 500,
  flushIntervalMs: 60_000,
  backoff: { baseMs: 200, maxMs: 1000 },
  onViolation: 'throw',
});

Object.assign(globalThis, { tracker });
