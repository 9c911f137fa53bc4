import type { IpAnonymization } from '../options.js';
import { anonymizeIp } from './anonymize-ip.js';
import { formatIsoUtc } from './format-iso-utc.js';
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
  /** `anonymizeIp(ip, ipAnonymization)`, computed once per request. */
  readonly storedIp?: string | undefined;
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
  const enriched = shallowCopy(message);
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
    const own = enriched.context as Record<string, unknown> | undefined;
    const context =
      ctx.batchContext === undefined
        ? shallowCopy(own ?? {})
        : own === undefined
          ? shallowCopy(ctx.batchContext)
          : mergeContexts(ctx.batchContext, own);
    const storedIp =
      typeof context.ip === 'string'
        ? anonymizeIp(context.ip, ctx.ipAnonymization)
        : ctx.ip === undefined
          ? undefined
          : (ctx.storedIp ?? anonymizeIp(ctx.ip, ctx.ipAnonymization));
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
  const corrected = formatIsoUtc(receivedAt.getTime() - (clientSentAt - clientTime));
  if (corrected !== undefined) message.timestamp = corrected;
}

/**
 * A shallow copy of a parsed JSON object. `Object.assign` onto `{}` keeps V8's fast property
 * transitions for the keys added next (a spread copy made each later addition, and the
 * JSON.stringify of the result, several times slower); but it would SET an own `__proto__` key,
 * changing the prototype, so such objects are copied by spread, which defines it as a key.
 */
function shallowCopy(source: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.hasOwn(source, '__proto__') ? { ...source } : Object.assign({}, source);
}

/** `{ ...batch, ...own }`, the message's context winning; see `shallowCopy` for `__proto__`. */
function mergeContexts(
  batch: Readonly<Record<string, unknown>>,
  own: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return Object.hasOwn(batch, '__proto__') || Object.hasOwn(own, '__proto__')
    ? { ...batch, ...own }
    : Object.assign({}, batch, own);
}

/** Milliseconds of an ISO-8601 date-time string sent by a client; undefined for anything else. */
export function parseClientTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const fast = parseCanonicalUtc(value);
  if (fast !== undefined) return fast;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ` (what `Date#toISOString` and most SDKs send) without Date.parse,
 * which is several times slower; anything else returns undefined and takes the general path.
 */
export function parseCanonicalUtc(text: string): number | undefined {
  if (text.length !== 24 || text.charCodeAt(23) !== 90 /* Z */) return undefined;

  if (
    text[4] !== '-' ||
    text[7] !== '-' ||
    text[10] !== 'T' ||
    text[13] !== ':' ||
    text[16] !== ':' ||
    text[19] !== '.'
  )
    return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  const ms = digitsAt(text, 20, 3);
  if (Number.isNaN(year + month + day + hour + minute + second + ms)) return undefined;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const time = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 2026-02-30 over to March; such a date is not valid. (Date.UTC reads years below
  // 100 as 19xx, whose leap years differ: those take the Date check.)
  if (year >= 100) return day <= daysInMonth(year, month) ? time : undefined;
  return new Date(time).getUTCDate() === day ? time : undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}

function digitsAt(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return n;
}
