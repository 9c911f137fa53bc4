import { CollectorError } from '../errors/collector-error.js';
import type { CollectorLimits } from '../options.js';
import type { IngestRoute } from './message-types.js';

/** The messages of a request plus the batch envelope fields that apply to each. */
export interface SplitRequest {
  readonly messages: readonly unknown[];
  /** Batch-level `sentAt` (a message's own wins). */
  readonly sentAt: unknown;
  /** Batch-level `context`, merged under each message's context. */
  readonly context: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Turns a parsed body into messages: `{ batch: [...] }` for batch paths, the body itself (with
 * `type` from the path) for single-message paths. Non-object items of a batch that also holds
 * objects are kept so they are rejected one by one, with their index; a non-empty batch without
 * any object is an `invalid_batch`.
 */
export function splitMessages(
  route: IngestRoute,
  body: unknown,
  limits: Pick<CollectorLimits, 'maxBatchEvents'>,
): SplitRequest {
  if (!isPlainObject(body))
    throw new CollectorError('invalid_body', `The body must be a JSON object, got ${describe(body)}.`);
  if (route.kind === 'single')
    return { messages: [{ ...body, type: route.type }], sentAt: undefined, context: undefined };
  const batch = Object.hasOwn(body, 'batch') ? body.batch : undefined;
  if (!Array.isArray(batch))
    throw new CollectorError(
      'invalid_batch',
      `The body's "batch" must be an array of messages, got ${describe(batch)}.`,
    );
  if (batch.length > limits.maxBatchEvents)
    throw new CollectorError(
      'batch_too_large',
      `The batch has ${batch.length} messages; at most ${limits.maxBatchEvents} are accepted (maxBatchEvents).`,
      limits.maxBatchEvents,
    );
  // A batch with no object at all is not a batch of messages with mistakes but a wrong request.
  if (batch.length > 0 && !batch.some(isPlainObject))
    throw new CollectorError(
      'invalid_batch',
      `The body's "batch" holds ${batch.length} items and none is a message object; send an array of message objects.`,
    );
  const context = Object.hasOwn(body, 'context') && isPlainObject(body.context) ? body.context : undefined;
  return { messages: batch, sentAt: Object.hasOwn(body, 'sentAt') ? body.sentAt : undefined, context };
}

/** A non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
