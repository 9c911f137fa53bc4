import type { PlanDocument } from '@tributary/schema';
import { compileDdl, planToWarehouse } from '@tributary/sql';
import { type EtlRunResult, runEtl } from '../../etl/run-etl.js';
import { insertRawRows, type RawRow } from '../../etl/testing/index.js';
import type { Warehouse } from '../../warehouse.js';
import type { SentMessage } from './identity-log.js';

/** The log cut into `batches` consecutive parts of (nearly) equal size, in arrival order. */
export function batchesOf(messages: readonly SentMessage[], batches: number): SentMessage[][] {
  const size = Math.ceil(messages.length / batches);
  return Array.from({ length: batches }, (_, i) => messages.slice(i * size, (i + 1) * size));
}

export interface IncrementalLoad {
  /** Raw batches, each followed by an incremental run (links arrive in later batches than the events they link). */
  readonly batches: number;
  /** ETL chunks (transactions) per batch: links also arrive in later chunks of a run. */
  readonly chunksPerBatch: number;
}

/**
 * Creates the warehouse of the plan, then sends the log to raw.events in arrival order, batch by
 * batch, each followed by an incremental ETL run that cooks chunk by chunk (never the end-of-run
 * rebuild), so persons are re-cooked as their links arrive; then ANALYZE (PGlite has no
 * autovacuum, and the metric queries need statistics). Returns the runs' results.
 */
export async function loadIdentityLogIncrementally(
  db: Warehouse,
  document: PlanDocument,
  messages: readonly SentMessage[],
  load: IncrementalLoad,
): Promise<EtlRunResult[]> {
  await db.exec(compileDdl(planToWarehouse(document)));
  const rowOf = (m: SentMessage): RawRow => ({
    messageId: m.payload.messageId,
    receivedAt: new Date(m.arrival).toISOString(),
    type: m.payload.type,
    event: typeof m.payload.event === 'string' ? m.payload.event : null,
    payload: m.payload,
    intent: m.valid ? 'valid' : 'invalid',
  });
  const results: EtlRunResult[] = [];
  for (const batch of batchesOf(messages, load.batches)) {
    await insertRawRows(db, batch.map(rowOf), 'identity-test');
    results.push(
      await runEtl({
        warehouse: db,
        document,
        mode: 'incremental',
        chunkSize: Math.ceil(batch.length / load.chunksPerBatch),
        bulkCookRatio: Number.POSITIVE_INFINITY,
      }),
    );
  }
  await db.exec('ANALYZE');
  return results;
}
