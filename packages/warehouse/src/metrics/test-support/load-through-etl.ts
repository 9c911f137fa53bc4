import { compileDdl, planToWarehouse } from '@tributary/sql';
import { runEtl } from '../../etl/run-etl.js';
import type { Warehouse } from '../../warehouse.js';
import { metricsTestDocument } from './metrics-test-plan.js';
import type { SyntheticEvent } from './synthetic-events.js';

const BATCH = 5000;

/**
 * The whole pipeline: the events as Segment-spec track messages into raw.events (in a shuffled
 * arrival order), then a full ETL run (validate, load processed.tracks, cook every reporting zone).
 */
export async function loadThroughEtl(
  db: Warehouse,
  events: readonly SyntheticEvent[],
  timeZones: readonly string[],
): Promise<void> {
  const document = metricsTestDocument(timeZones);
  await db.exec(compileDdl(planToWarehouse(document)));
  // Arrival order is not event order: interleave so late events land after later ones.
  const order = events.map((_, i) => i).sort((a, b) => ((a * 7919) % 10007) - ((b * 7919) % 10007));
  for (let i = 0; i < order.length; i += BATCH) {
    const part = order.slice(i, i + BATCH).map((k) => events[k] as SyntheticEvent);
    await db.query(
      `INSERT INTO raw.events (message_id, received_at, source, type, event, payload)
       SELECT x.m, x.r, 'metrics-test', 'track', x.e, x.p
       FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS x(m, r, e, p, n)
       ORDER BY x.n`,
      [
        part.map((e) => e.messageId),
        part.map((e) => new Date(e.at + 1000).toISOString()),
        part.map((e) => e.event),
        part.map((e) => JSON.stringify(messageOf(e))),
      ],
    );
  }
  const result = await runEtl({ warehouse: db, document, mode: 'full' });
  if (result.loaded !== events.length)
    throw new Error(
      `loadThroughEtl: the ETL loaded ${result.loaded} of ${events.length} events (rejected ${result.rejected}: ${JSON.stringify(result.rejectedByReason)}).`,
    );
  await db.exec('ANALYZE');
}

function messageOf(e: SyntheticEvent): Record<string, unknown> {
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
