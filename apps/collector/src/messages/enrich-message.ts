import type { IpAnonymization } from '../options.js';
import { anonymizeIp } from './anonymize-ip.js';
import { isPlainObject } from './split-messages.js';

/** What the collector knows about the request a message arrived in. */
export interface EnrichmentContext {
  readonly receivedAt: Date;
  /** `receivedAt.toISOString()`, computed once per request. */
  readonly receivedAtIso?: string;
  /** The batch's `sentAt`, used when the message has none. */
  readonly batchSentAt: unknown;
  /** `parseClientTime(batchSentAt)`, computed once per request. */
  readonly batchSentAtMs?: number | undefined;
  /** The batch's `context`, merged under the message's. */
  readonly batchContext: Readonly<Record<string, unknown>> | undefined;
  readonly ip: string | undefined;
  readonly ipAnonymization: IpAnonymization;
  readonly userAgent: string | undefined;
  readonly generateId: () => string;
}

/**
 * Adds what the server knows, Segment-style, to a copy of the message: `receivedAt`; `messageId`
 * when missing; `originalTimestamp` = the client's `timestamp` and `timestamp` corrected for clock
 * skew = receivedAt − (sentAt − originalTimestamp) (or receivedAt when the client sent none);
 * `context.ip` (anonymised by policy) and `context.userAgent` when the client did not set them.
 * The write key is removed. Values it cannot interpret (a bad date) are left for the validators.
 */
export function enrichMessage(
  message: Readonly<Record<string, unknown>>,
  ctx: EnrichmentContext,
): Record<string, unknown> {
  const enriched: Record<string, unknown> = { ...message };
  // `delete` only when needed: it turns the object into a slow dictionary-mode object.
  if (Object.hasOwn(enriched, 'writeKey')) delete enriched.writeKey;
  enriched.receivedAt = ctx.receivedAtIso ?? ctx.receivedAt.toISOString();
  if (enriched.messageId === undefined || enriched.messageId === null || enriched.messageId === '')
    enriched.messageId = ctx.generateId();
  const ownSentAt = Object.hasOwn(message, 'sentAt');
  const sentAt = ownSentAt ? message.sentAt : ctx.batchSentAt;
  if (sentAt !== undefined) enriched.sentAt = sentAt;
  const sentAtMs = ownSentAt || !('batchSentAtMs' in ctx) ? parseClientTime(sentAt) : ctx.batchSentAtMs;
  correctTimestamp(enriched, ctx.receivedAt, enriched.receivedAt as string, sentAtMs);
  if (enriched.context === undefined || isPlainObject(enriched.context)) {
    const context: Record<string, unknown> = {
      ...ctx.batchContext,
      ...(enriched.context as Record<string, unknown> | undefined),
    };
    const ip = typeof context.ip === 'string' ? context.ip : ctx.ip;
    const storedIp = ip === undefined ? undefined : anonymizeIp(ip, ctx.ipAnonymization);
    if (storedIp !== undefined) context.ip = storedIp;
    else if (Object.hasOwn(context, 'ip')) delete context.ip;
    if (context.userAgent === undefined && ctx.userAgent !== undefined) context.userAgent = ctx.userAgent;
    enriched.context = context;
  }
  return enriched;
}

function correctTimestamp(
  message: Record<string, unknown>,
  receivedAt: Date,
  receivedAtIso: string,
  clientSentAt: number | undefined,
): void {
  const original = message.timestamp;
  if (original === undefined || original === null) {
    message.timestamp = receivedAtIso;
    return;
  }
  message.originalTimestamp = original;
  const clientTime = parseClientTime(original);
  if (clientTime === undefined || clientSentAt === undefined) return;
  const corrected = new Date(receivedAt.getTime() - (clientSentAt - clientTime));
  if (!Number.isNaN(corrected.getTime())) message.timestamp = corrected.toISOString();
}

/** Milliseconds of an ISO-8601 date-time string sent by a client; undefined for anything else. */
export function parseClientTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}
