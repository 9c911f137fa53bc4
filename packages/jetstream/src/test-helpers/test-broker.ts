import { randomBytes } from 'node:crypto';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { defineEvent, definePlan, toPlanDocument } from '@tributary/schema';
import { compileDdl, planToWarehouse } from '@tributary/sql';
import type { Warehouse } from '@tributary/warehouse';
import { z } from 'zod';
import type { BrokerConfig } from '../config/broker-config.js';

/** The NATS server with JetStream on this machine (`.ci/run` starts it). */
export const LOCAL_NATS = process.env.TRIBUTARY_NATS_URL ?? 'nats://127.0.0.1:4222';

/** A broker config with a stream, prefix and consumer unique to this test run. */
export function uniqueBroker(url: string | readonly string[] = LOCAL_NATS): Required<BrokerConfig> {
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  return { url, stream: `TRIBUTARY_TEST_${id}`, subjectPrefix: `tributary_test_${id}`, durable: 'loader' };
}

/** An admin connection for setup, inspection and cleanup. */
export async function adminConnection(
  url: string | readonly string[] = LOCAL_NATS,
): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  const nc = await connect({
    servers: typeof url === 'string' ? url : [...url],
    name: 'tributary-test-admin',
  });
  return { nc, jsm: await jetstreamManager(nc) };
}

/** Deletes the test stream (ignores a stream that is already gone). */
export async function deleteStream(jsm: JetStreamManager, stream: string): Promise<void> {
  await jsm.streams.delete(stream).catch(() => false);
}

/** A one-event plan: enough for raw.events and raw.rejected. */
export const testPlanDocument = toPlanDocument(
  definePlan({
    name: 'jetstream-test',
    events: [defineEvent({ name: 'level_up', version: 1, properties: z.object({ level: z.int() }) })],
  }),
);

/** Creates the warehouse tables (raw.events, raw.rejected, …). */
export async function createRawTables(db: Warehouse): Promise<void> {
  await db.exec(compileDdl(planToWarehouse(testPlanDocument)));
}

/** An accepted event row as the collector hands it to the sink. */
export function eventRow(messageId: string, level = 1) {
  return {
    messageId,
    type: 'track',
    event: 'level_up',
    payload: JSON.stringify({ type: 'track', event: 'level_up', messageId, properties: { level } }),
  };
}

/** Polls `check` every 50 ms until it returns true or `timeoutMs` passes (then throws `what`). */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
