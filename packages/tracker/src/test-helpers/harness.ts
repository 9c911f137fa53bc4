import type { DeadLetterReason } from '../dead-letter.js';
import type { Message } from '../message.js';
import { Tracker } from '../tracker.js';
import type { TrackerOptions } from '../tracker-options.js';
import { fakeClock } from './fake-clock.js';
import { type FakeReply, fakeFetch, type ReceivedRequest } from './fake-fetch.js';
import { testPlan } from './plan.js';

/** A deterministic random source (LCG). */
export function seededRandom(seed = 42): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

/** A tracker on the test plan with a fake clock, a fake network and recorded dead letters and warnings. */
export function harness(
  options: Partial<TrackerOptions<typeof testPlan>> = {},
  reply?: (request: ReceivedRequest, index: number) => FakeReply,
) {
  const clock = fakeClock();
  const net = fakeFetch(reply);
  const deadLetters: { messages: readonly Message[]; reason: DeadLetterReason }[] = [];
  const warnings: string[] = [];
  const tracker = new Tracker({
    plan: testPlan,
    endpoint: 'http://collector.test',
    writeKey: 'test-key',
    clock,
    fetch: net.fetch,
    random: seededRandom(),
    onDeadLetter: (messages, reason) => deadLetters.push({ messages, reason }),
    onWarning: (message) => warnings.push(message),
    onViolation: 'throw',
    ...options,
  });
  return {
    tracker,
    clock,
    net,
    deadLetters,
    warnings,
    deadIds: () => deadLetters.flatMap((d) => d.messages.map((m) => m.messageId)),
  };
}
