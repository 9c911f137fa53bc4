import type { Context } from 'hono';
import type { Source } from '../auth/source-registry.js';
import { extractWriteKey } from '../auth/write-key.js';
import { parseBody } from '../body/parse-body.js';
import { readBody } from '../body/read-body.js';
import { storableText } from '../body/scan-value.js';
import type { CollectorDeps } from '../collector-deps.js';
import type { CollectorEnv } from '../collector-env.js';
import { CollectorError } from '../errors/collector-error.js';
import { anonymizeIp } from '../messages/anonymize-ip.js';
import {
  type BoundedRejections,
  boundRejections,
  type IngestError,
  type OmittedErrors,
} from '../messages/bound-rejections.js';
import type { IngestRoute } from '../messages/message-types.js';
import { parseClientTime } from '../messages/enrich-message.js';
import { type EventRow, type PreparedMessage, prepareMessage } from '../messages/prepare-message.js';
import type { Reason } from '../messages/reason.js';
import { withReceivedTexts } from '../messages/received-texts.js';
import { filterRejectedText, redactSecrets } from '../messages/redact-secrets.js';
import { splitMessages } from '../messages/split-messages.js';
import { assertOrigin } from '../middleware/cors.js';

/**
 * The 200 response of an ingest path. `errors` lists the first rejected messages (at most 20, see
 * `boundRejections`); when there are more, `omittedErrors` counts the others per rule.
 */
export interface IngestResponse {
  readonly accepted: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly errors: readonly IngestError[];
  readonly omittedErrors?: OmittedErrors;
}

const NO_REJECTIONS: BoundedRejections = { errors: [], omitted: undefined, rows: [] };

/**
 * Handles `/v1/batch`, `/v1/track`, …: read and parse the body, authenticate the source, run every
 * message through the stages, store valid ones in `raw.events` and invalid ones in `raw.rejected`,
 * and answer after the commit. An authenticated body that cannot be read as messages is stored whole
 * in `raw.rejected` before the 400 is sent. What is stored for rejected input is the text as
 * received without write keys, and bounded by the request's size (`boundRejections`).
 */
export function ingestHandler(deps: CollectorDeps, route: IngestRoute) {
  return async function ingest(c: Context<CollectorEnv>): Promise<Response> {
    const receivedAt = deps.clock();
    const body = await readBody(c.req.raw, deps.limits, c.env?.incoming);
    const headers = c.req.raw.headers;
    let parsed: unknown;
    let parseError: CollectorError | undefined;
    try {
      parsed = parseBody(body.text, deps.limits);
    } catch (error) {
      if (!(error instanceof CollectorError)) throw error;
      parseError = error;
    }
    const { source, key } = authenticate(deps, headers, parsed);
    assertOrigin(c, source);
    let split: ReturnType<typeof splitMessages>;
    try {
      if (parseError) throw parseError;
      split = splitMessages(route, parsed, deps.limits);
    } catch (error) {
      if (error instanceof CollectorError && error.status === 400)
        await storeWholeBody(deps, source, key, receivedAt, body.text, error);
      throw error;
    }
    const ip = clientIp(c, deps.trustProxy);
    const ctx = {
      receivedAt,
      receivedAtIso: receivedAt.toISOString(),
      batchSentAt: split.sentAt,
      batchSentAtMs: parseClientTime(split.sentAt),
      batchContext: split.context,
      ip,
      ipAnonymization: deps.ipAnonymization,
      storedIp: ip === undefined ? undefined : anonymizeIp(ip, deps.ipAnonymization),
      userAgent: c.req.header('user-agent'),
      generateId: deps.generateId,
      validate: deps.validate,
      limits: deps.limits,
    };
    const events: EventRow[] = [];
    const rejected: Extract<PreparedMessage, { kind: 'rejected' }>[] = [];
    split.messages.forEach((message, index) => {
      const prepared = prepareMessage(message, index, ctx);
      if (prepared.kind === 'event') events.push(prepared.row);
      else rejected.push(prepared);
    });
    const bounded =
      rejected.length === 0
        ? NO_REJECTIONS
        : boundRejections(
            withReceivedTexts(route, body.text, rejected, key),
            Buffer.byteLength(body.text, 'utf8'),
          );
    const result = await deps.writer.write({
      source: source.name,
      receivedAt,
      events,
      rejected: bounded.rows,
    });
    const accepted = result.stored.filter(Boolean).length;
    deps.metrics.countAccepted(accepted);
    deps.metrics.countDuplicates(events.length - accepted);
    for (const p of rejected) deps.metrics.countRejected(p.reasons.map((reason) => reason.rule));
    const response: IngestResponse = {
      accepted,
      rejected: rejected.length,
      duplicates: events.length - accepted,
      errors: bounded.errors,
      ...(bounded.omitted ? { omittedErrors: bounded.omitted } : {}),
    };
    return c.json(response, 200);
  };
}

function authenticate(
  deps: CollectorDeps,
  headers: Headers,
  body: unknown,
): { readonly source: Source; readonly key: string } {
  const key = extractWriteKey(headers, body);
  if (!key)
    throw new CollectorError(
      'missing_write_key',
      'No write key: send Authorization: Basic base64("<write key>:"), X-Write-Key, or "writeKey" in the body.',
    );
  const source = deps.registry.find(key.key);
  if (!source)
    throw new CollectorError(
      'invalid_write_key',
      `The write key (from ${key.origin}) is not a configured source's key.`,
    );
  if (!source.enabled) throw new CollectorError('source_disabled', `Source "${source.name}" is disabled.`);
  return { source, key: key.key };
}

/** Stores a body rejected whole as one raw.rejected row: its text as received, without write keys. */
async function storeWholeBody(
  deps: CollectorDeps,
  source: Source,
  requestKey: string,
  receivedAt: Date,
  text: string,
  error: CollectorError,
): Promise<void> {
  const stored = filterRejectedText(text, requestKey);
  const reason: Reason = {
    path: '',
    rule: error.code,
    expected:
      error.code === 'max_depth'
        ? `at most ${error.limit} levels of nesting`
        : 'a JSON body of Segment messages',
    received: 'the stored payload',
    message: storableText(redactSecrets(error.message, stored.secrets)),
  };
  deps.metrics.countRejected([error.code]);
  await deps.writer.write({
    source: source.name,
    receivedAt,
    events: [],
    rejected: [{ messageId: null, reasons: [reason], payload: stored.text }],
  });
}

function clientIp(c: Context<CollectorEnv>, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  return c.env?.incoming?.socket?.remoteAddress;
}
