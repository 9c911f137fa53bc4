import { capReasons } from './cap-reasons.js';
import type { RejectedRow } from './prepare-message.js';
import type { Reason } from './reason.js';

/** How many of a request's rejected messages are listed one by one (response `errors`, one row each). */
const LISTED_REJECTIONS = {
  messages: 20,
  /** Bytes of listed errors allowed on top of the request's own size. */
  extraBytes: 8 * 1024,
} as const;

/** A rejected message of a request: where it was, what broke, and the text to store for it. */
export interface RejectedMessage {
  readonly index: number;
  readonly messageId: string | null;
  readonly reasons: readonly Reason[];
  /** The message as received, write keys removed (`filterRejectedText`). */
  readonly text: string;
  /** Write keys to keep out of its reasons. */
  readonly secrets: readonly string[];
}

/** One listed rejected message in the response. */
export interface IngestError {
  readonly index: number;
  readonly messageId: string | null;
  readonly reasons: readonly Reason[];
}

/** The rejected messages not listed in `errors`: how many, and how many of them broke each rule. */
export interface OmittedErrors {
  readonly messages: number;
  readonly rules: readonly { readonly rule: string; readonly messages: number }[];
}

/** What a request's rejections become: the response's `errors` / `omittedErrors` and the raw.rejected rows. */
export interface BoundedRejections {
  readonly errors: readonly IngestError[];
  readonly omitted: OmittedErrors | undefined;
  readonly rows: readonly RejectedRow[];
}

/**
 * Bounds what a request's rejected messages cost, so that no request can be answered or stored at
 * many times its own size. In batch order, messages are listed one by one — in `errors` and as a
 * raw.rejected row each, reasons capped by `capReasons` — while there are fewer than 20 listed and
 * their errors' JSON stays within the request's size + 8 KiB. All the others go into ONE row:
 * payload = a JSON array of their texts as received, in batch order; reasons = a `rejected_summary`
 * reason (how many, at which batch indexes) and one reason per rule with the number of messages
 * that broke it. The response counts them per rule in `omittedErrors`. Nothing received is lost:
 * every rejected message's text is stored exactly once.
 */
export function boundRejections(
  rejected: readonly RejectedMessage[],
  requestBytes: number,
): BoundedRejections {
  const budget = requestBytes + LISTED_REJECTIONS.extraBytes;
  const errors: IngestError[] = [];
  const rows: RejectedRow[] = [];
  let used = 0;
  for (const message of rejected) {
    if (errors.length >= LISTED_REJECTIONS.messages) break;
    const error = {
      index: message.index,
      messageId: message.messageId,
      reasons: capReasons(message.reasons, message.secrets),
    };
    used += Buffer.byteLength(JSON.stringify(error), 'utf8');
    if (used > budget) break;
    errors.push(error);
    rows.push({ messageId: message.messageId, reasons: error.reasons, payload: message.text });
  }
  const rest = rejected.slice(errors.length);
  if (rest.length === 0) return { errors, omitted: undefined, rows };
  const omitted: OmittedErrors = { messages: rest.length, rules: countByRule(rest) };
  rows.push(summaryRow(rest, omitted));
  return { errors, omitted, rows };
}

function countByRule(messages: readonly RejectedMessage[]): OmittedErrors['rules'] {
  const counts = new Map<string, number>();
  for (const message of messages)
    for (const rule of new Set(message.reasons.map((reason) => reason.rule)))
      counts.set(rule, (counts.get(rule) ?? 0) + 1);
  return [...counts].map(([rule, messages]) => ({ rule, messages }));
}

function summaryRow(rest: readonly RejectedMessage[], omitted: OmittedErrors): RejectedRow {
  const indexes = indexRanges(rest.map((message) => message.index));
  const summary: Reason = {
    path: '',
    rule: 'rejected_summary',
    expected: `at most ${LISTED_REJECTIONS.messages} rejected messages of a request stored one row each`,
    received: `${rest.length} more rejected messages, batch indexes ${indexes}`,
    message: `This row holds the request's ${rest.length} rejected messages beyond those stored one row each: the payload is a JSON array of their texts as received, in batch order.`,
  };
  const byRule = omitted.rules.map(
    ({ rule, messages }): Reason => ({
      path: '',
      rule,
      expected: '',
      received: `${messages} messages`,
      message: `${messages} of the ${rest.length} messages in this row broke rule ${rule}.`,
    }),
  );
  return {
    messageId: null,
    reasons: [summary, ...byRule],
    payload: `[${rest.map((message) => message.text).join(',')}]`,
  };
}

/**
 * Sorted indexes as ranges.
 *
 * @example
 * indexRanges([20, 21, 22, 30, 40, 41]); // '20-22,30,40-41'
 */
export function indexRanges(indexes: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indexes.length; ) {
    const first = indexes[i] as number;
    let last = first;
    while (i + 1 < indexes.length && indexes[i + 1] === last + 1) last = indexes[++i] as number;
    parts.push(first === last ? `${first}` : `${first}-${last}`);
    i++;
  }
  return parts.join(',');
}
