import type { PlanDocument } from '@tributary/schema';
import { expect } from 'vitest';
import { runEtl } from '../etl/run-etl.js';
import type { SqlRunner, Warehouse } from '../warehouse.js';

/** A hand-placed message for the tests of metrics over the ETL's tables. */
export interface TestMessage {
  readonly user?: string;
  readonly anonymousId?: string;
  /** Default `track`. */
  readonly type?: string;
  readonly event?: string;
  /** Epoch milliseconds. */
  readonly at: number;
  /** The timestamp as sent, when it has microseconds (`at` is then ignored). */
  readonly timestamp?: string;
  readonly properties?: Record<string, unknown>;
  readonly platform?: string;
  readonly sessionId?: string;
}

let batch = 0;

/** The Segment payload of a test message, with a message id unique in the test run. */
function payloadOf(m: TestMessage, id: string): Record<string, unknown> {
  const context = {
    ...(m.platform ? { platform: m.platform } : {}),
    ...(m.sessionId ? { sessionId: m.sessionId } : {}),
  };
  return {
    type: m.type ?? 'track',
    messageId: id,
    ...(m.event ? { event: m.event } : {}),
    ...(m.user ? { userId: m.user } : {}),
    ...(m.anonymousId ? { anonymousId: m.anonymousId } : {}),
    timestamp: m.timestamp ?? new Date(m.at).toISOString(),
    ...(m.type === 'identify' ? {} : { properties: m.properties ?? {} }),
    ...(Object.keys(context).length > 0 ? { context } : {}),
  };
}

/** Inserts raw messages in the given (arrival) order, in batches of 5,000. */
export async function insertMessages(db: SqlRunner, messages: readonly TestMessage[]): Promise<void> {
  batch += 1;
  const payloads = messages.map((m, i) => JSON.stringify(payloadOf(m, `m${batch}-${i}`)));
  for (let i = 0; i < payloads.length; i += 5_000)
    await db.query(
      `INSERT INTO raw.events (message_id, received_at, source, type, event, payload)
       SELECT x.p ->> 'messageId', now(), 'test', x.p ->> 'type', x.p ->> 'event', x.p
       FROM unnest($1::jsonb[]) WITH ORDINALITY AS x(p, n) ORDER BY x.n`,
      [payloads.slice(i, i + 5_000)],
    );
}

/** Inserts the messages (arrival order as given) and runs a full ETL, which must reject none. */
export async function loadMessages(
  db: Warehouse,
  document: PlanDocument,
  messages: readonly TestMessage[],
): Promise<void> {
  await insertMessages(db, messages);
  const result = await runEtl({ warehouse: db, document, mode: 'full' });
  expect(result.rejected).toBe(0);
}
