import { createTracker } from '@tributary/tracker';
import { plan } from '../plan.js';
import type { SimulatedMessage, SimulatedUser } from '../simulate/simulate.js';

type GameTracker = ReturnType<typeof createTracker<typeof plan>>;

export interface TrafficResult {
  readonly sent: number;
  readonly deadLettered: number;
}

/**
 * Sends simulated messages through the real tracker to the collector over HTTP: one tracker per
 * player (one device each), as a game would run it, with the event times of the simulation.
 */
export async function sendTraffic(
  messages: readonly SimulatedMessage[],
  options: { endpoint: string; writeKey: string; onProgress?: (sent: number, total: number) => void },
): Promise<TrafficResult> {
  const trackers = new Map<number, GameTracker>();
  let deadLettered = 0;
  const trackerOf = (user: SimulatedUser): GameTracker => {
    let tracker = trackers.get(user.index);
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
          platform: user.platform,
          app_version: user.appVersion,
          locale: user.locale,
          country: user.country,
          timezone: user.timeZone,
        },
      });
      trackers.set(user.index, tracker);
    }
    return tracker;
  };
  const lastMessage = new Map<number, number>();
  for (const [i, m] of messages.entries()) lastMessage.set(m.user.index, i);
  const closing: Promise<void>[] = [];
  const step = Math.max(1, Math.floor(messages.length / 20));
  for (const [i, m] of messages.entries()) {
    const tracker = trackerOf(m.user);
    const common = {
      timestamp: new Date(m.at),
      anonymousId: m.user.anonymousId,
      ...(m.user.userId && m.type === 'track' ? { userId: m.user.userId } : {}),
    };
    if (m.type === 'identify') tracker.identify(m.user.userId as string, m.properties, common);
    else trackEvent(tracker, m, common);
    if (lastMessage.get(m.user.index) === i) {
      closing.push(tracker.close());
      trackers.delete(m.user.index);
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
    case 'level_up':
      if (m.version === 1) tracker.track('level_up', p, { ...options, version: 1 });
      else tracker.track('level_up', p, options);
      return;
    default:
      throw new Error(`unexpected simulated event ${String(m.event)}`);
  }
}
