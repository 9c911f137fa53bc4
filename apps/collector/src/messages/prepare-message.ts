import { findUnstorableValues, isStorable, storableText } from '../body/scan-value.js';
import { stripWriteKeys } from '../body/strip-write-keys.js';
import type { CollectorLimits } from '../options.js';
import type { MessageValidator } from '../validation/message-validator.js';
import { type EnrichmentContext, enrichMessage } from './enrich-message.js';
import type { Reason } from './reason.js';
import { isPlainObject } from './split-messages.js';

/** A row for `raw.events`. */
export interface EventRow {
  readonly messageId: string;
  readonly type: string;
  readonly event: string | null;
  /** The enriched message as JSON text (always storable as jsonb). */
  readonly payload: string;
}

/** A row for `raw.rejected`: the reasons and the message as it arrived. */
export interface RejectedRow {
  readonly messageId: string | null;
  readonly reasons: readonly Reason[];
  readonly payload: string;
}

/**
 * One message after the collector's stages: stored as an event, or rejected with reasons (its
 * stored text is cut from the body as received, see `boundRejections`).
 */
export type PreparedMessage =
  | { readonly kind: 'event'; readonly index: number; readonly row: EventRow }
  | {
      readonly kind: 'rejected';
      readonly index: number;
      readonly messageId: string | null;
      readonly reasons: readonly Reason[];
    };

/**
 * Runs one message through the stages: shape (an object), storability (no NUL, lone surrogates or
 * infinite numbers), enrichment, size (`maxEventBytes`, measured on the enriched JSON that would be
 * stored), then the generated validators. Pure apart from the injected id generator.
 */
export function prepareMessage(
  message: unknown,
  index: number,
  ctx: EnrichmentContext & { readonly validate: MessageValidator; readonly limits: CollectorLimits },
): PreparedMessage {
  if (!isPlainObject(message))
    return rejected(message, index, [
      {
        path: '',
        rule: 'type',
        expected: 'a message object',
        received: Array.isArray(message) ? 'an array' : message === null ? 'null' : `a ${typeof message}`,
        message: `Message ${index} is not an object.`,
      },
    ]);
  if (!isStorable(message)) return rejected(message, index, findUnstorableValues(message));
  const enriched = enrichMessage(message, ctx);
  // enrichMessage drops the message's own writeKey; one nested deeper (in context, say) goes here.
  const json = JSON.stringify(enriched);
  const payload = json.includes('"writeKey"') ? stripWriteKeys(json).text : json;
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short payloads need no exact count.
  const bytes = payload.length * 3 <= ctx.limits.maxEventBytes ? 0 : Buffer.byteLength(payload, 'utf8');
  if (bytes > ctx.limits.maxEventBytes)
    return rejected(message, index, [
      {
        path: '',
        rule: 'max_event_bytes',
        expected: `at most ${ctx.limits.maxEventBytes} bytes`,
        received: `${bytes} bytes`,
        message: `Message ${index} is ${bytes} bytes; at most ${ctx.limits.maxEventBytes} are accepted (maxEventBytes).`,
      },
    ]);
  const validation = ctx.validate(enriched);
  if (!validation.valid) return rejected(message, index, validation.violations);
  return {
    kind: 'event',
    index,
    row: {
      messageId: enriched.messageId as string,
      type: enriched.type as string,
      event: enriched.type === 'track' && typeof enriched.event === 'string' ? enriched.event : null,
      payload,
    },
  };
}

function messageIdOf(message: unknown): string | null {
  if (!isPlainObject(message) || typeof message.messageId !== 'string') return null;
  return storableText(message.messageId);
}

function storableReason(reason: Reason): Reason {
  return {
    path: storableText(reason.path),
    rule: reason.rule,
    expected: storableText(reason.expected),
    received: storableText(reason.received),
    message: storableText(reason.message),
  };
}

function rejected(message: unknown, index: number, reasons: readonly Reason[]): PreparedMessage {
  return { kind: 'rejected', index, messageId: messageIdOf(message), reasons: reasons.map(storableReason) };
}
