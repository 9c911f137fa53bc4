import type { SyntheticEvent } from './synthetic-events.js';

/** A Segment-spec message as sent to the collector. */
export type Message = Readonly<Record<string, unknown>> & {
  readonly messageId: string;
  readonly type: string;
};

/** Who sends a message: a user id once signed in, an anonymous id unless the device was aliased. */
export interface SenderIds {
  readonly userId?: string;
  readonly anonymousId?: string;
}

const envelope = (type: string, messageId: string, at: number, platform: string) => ({
  type,
  messageId,
  timestamp: new Date(at).toISOString(),
  context: { platform },
});

/** An identify (no user id: it links nothing). */
export function identifyMessage(messageId: string, at: number, platform: string, ids: SenderIds): Message {
  return { ...envelope('identify', messageId, at, platform), ...ids, traits: {} };
}

/** An alias: previousId → userId. */
export function aliasMessage(
  messageId: string,
  at: number,
  platform: string,
  previousId: string,
  userId: string,
): Message {
  return { ...envelope('alias', messageId, at, platform), previousId, userId };
}

/** A screen view. */
export function screenMessage(messageId: string, at: number, platform: string, ids: SenderIds): Message {
  return { ...envelope('screen', messageId, at, platform), ...ids, name: 'sign_in', properties: {} };
}

/** The track message of an event. */
export function trackMessage(e: SyntheticEvent): Message {
  return {
    type: 'track',
    event: e.event,
    messageId: e.messageId,
    ...(e.userId !== null ? { userId: e.userId } : {}),
    ...(e.anonymousId !== null ? { anonymousId: e.anonymousId } : {}),
    timestamp: new Date(e.at).toISOString(),
    context: {
      eventVersion: 1,
      sessionId: e.sessionId,
      platform: e.platform,
      ...(e.country !== null ? { country: e.country } : {}),
    },
    properties: e.revenueCents !== null ? { amount_cents: e.revenueCents, currency: 'USD' } : {},
  };
}
