import { createTracker } from '@tributary/tracker';
import { plan } from '../plan.js';
import type { SimulatedMessage } from '../simulate/simulate.js';

type GameTracker = ReturnType<typeof createTracker<typeof plan>>;

export interface TrafficResult {
  readonly sent: number;
  readonly deadLettered: number;
}

/**
 * Sends simulated messages through the real tracker to the collector over HTTP, as a game would
 * run it: one tracker per player and device (a borrowed device gets the borrower's own tracker,
 * so the two players' sessions stay apart), with the event times and ids of the simulation.
 */
export async function sendTraffic(
  messages: readonly SimulatedMessage[],
  options: { endpoint: string; writeKey: string; onProgress?: (sent: number, total: number) => void },
): Promise<TrafficResult> {
  const trackers = new Map<string, GameTracker>();
  let deadLettered = 0;
  const keyOf = (m: SimulatedMessage) => `${m.user.index}/${m.device.anonymousId}`;
  const trackerOf = (m: SimulatedMessage): GameTracker => {
    const key = keyOf(m);
    let tracker = trackers.get(key);
    if (!tracker) {
      tracker = createTracker({
        plan,
        endpoint: options.endpoint,
        writeKey: options.writeKey,
        flushAt: 50,
        flushIntervalMs: 200,
        onViolation: 'throw',
        onDeadLetter: (events) => {
          deadLettered += events.length;
        },
        context: {
          platform: m.device.platform,
          app_version: m.user.appVersion,
          locale: m.user.locale,
          country: m.user.country,
          timezone: m.user.timeZone,
        },
      });
      trackers.set(key, tracker);
    }
    return tracker;
  };
  const lastMessage = new Map<string, number>();
  for (const [i, m] of messages.entries()) lastMessage.set(keyOf(m), i);
  const closing: Promise<void>[] = [];
  const step = Math.max(1, Math.floor(messages.length / 20));
  for (const [i, m] of messages.entries()) {
    const tracker = trackerOf(m);
    const common = {
      timestamp: new Date(m.at),
      anonymousId: m.device.anonymousId,
      ...(m.userId ? { userId: m.userId } : {}),
    };
    if (m.type === 'identify') tracker.identify(m.userId as string, m.properties, common);
    else trackEvent(tracker, m, common);
    if (lastMessage.get(keyOf(m)) === i) {
      closing.push(tracker.close());
      trackers.delete(keyOf(m));
    }
    if (i % step === 0) {
      options.onProgress?.(i, messages.length);
      // Let deliveries run while the simulation goes on, so the queue stays small.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await Promise.all(closing);
  options.onProgress?.(messages.length, messages.length);
  return { sent: messages.length, deadLettered };
}

function trackEvent(
  tracker: GameTracker,
  m: SimulatedMessage,
  options: { timestamp: Date; anonymousId: string; userId?: string },
): void {
  const p = m.properties as never;
  switch (m.event) {
    case 'app_install':
      tracker.track('app_install', p, options);
      return;
    case 'session_start':
      tracker.track('session_start', p, options);
      return;
    case 'session_end':
      tracker.track('session_end', p, options);
      return;
    case 'purchase':
      tracker.track('purchase', p, options);
      return;
    case 'experiment_viewed':
      tracker.track('experiment_viewed', p, options);
      return;
    case 'level_up':
      if (m.version === 1) tracker.track('level_up', p, { ...options, version: 1 });
      else tracker.track('level_up', p, options);
      return;
    default:
      throw new Error(`unexpected simulated event ${String(m.event)}`);
  }
}
