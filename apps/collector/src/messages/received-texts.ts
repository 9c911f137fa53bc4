import { batchItemSpans } from '../body/batch-item-spans.js';
import type { RejectedMessage } from './bound-rejections.js';
import type { IngestRoute } from './message-types.js';
import type { PreparedMessage } from './prepare-message.js';
import { filterRejectedText } from './redact-secrets.js';

/**
 * The rejected messages of a request with the text each arrived as, cut from the body (a batch
 * item, or the whole body on a single-message path) and without write keys. The body is scanned
 * only here, so requests without rejections pay nothing for it.
 */
export function withReceivedTexts(
  route: IngestRoute,
  bodyText: string,
  rejected: readonly Extract<PreparedMessage, { kind: 'rejected' }>[],
  requestKey: string,
): RejectedMessage[] {
  const spans = route.kind === 'batch' ? batchItemSpans(bodyText) : undefined;
  return rejected.map((message) => {
    let raw = bodyText;
    if (spans) {
      const span = spans[message.index];
      if (!span) throw new Error(`Batch item ${message.index} was not found in the body text.`);
      raw = bodyText.slice(span.start, span.end);
    }
    const { text, secrets } = filterRejectedText(raw, requestKey);
    return { index: message.index, messageId: message.messageId, reasons: message.reasons, text, secrets };
  });
}
