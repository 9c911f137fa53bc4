import { describeEachDatabase } from '@tributary/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { type BrokerConfig, resolveBrokerConfig } from '../config/broker-config.js';
import { connectBroker } from '../connect-broker.js';
import { JetStreamLoader } from '../load/jetstream-loader.js';
import { JetStreamSink } from '../publish/jetstream-sink.js';
import { BrokerAdmin } from '../setup/broker-admin.js';
import { type NatsCluster, natsServerAvailable, startNatsCluster } from '../test-helpers/nats-cluster.js';
import { createRawTables, eventRow, uniqueBroker, waitFor } from '../test-helpers/test-broker.js';

/** Events per run: `TRIBUTARY_JETSTREAM_EVENTS` (CI runs at least 20,000). */
const EVENTS = Number(process.env.TRIBUTARY_JETSTREAM_EVENTS ?? 20_000);
const REQUEST_SIZE = 100;

/**
 * Acceptance 2: a 3-node JetStream cluster on loopback ports (started and stopped here), a stream
 * with 3 replicas; while N events are published (through the collector's sink, retried like a
 * client retries a 503) and loaded, the stream leader is killed with SIGKILL, the loader is
 * restarted, then the node is restarted. Every event must land in raw.events exactly once.
 */
describe.skipIf(!natsServerAvailable())('3-node JetStream cluster, node killed during a load', () => {
  let cluster: NatsCluster;

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  describeEachDatabase('cluster fault', (getDb) => {
    beforeAll(async () => {
      await createRawTables(getDb());
    });

    it(`${EVENTS} events, leader SIGKILLed, loader restarted, node restarted: each event exactly once`, {
      timeout: 600_000,
    }, async () => {
      const broker = { ...uniqueBroker(cluster.servers), durable: 'loader' };
      const admin = await waitForMetaLeader(broker);
      let sink: JetStreamSink | undefined;
      let loader: JetStreamLoader | undefined;
      try {
        await waitFor(
          async () => {
            await admin
              .ensure({ replicas: 3, ackWaitMs: 5000, duplicateWindowMs: 10 * 60_000 })
              .catch(() => undefined);
            const status = await admin.status().catch(() => undefined);
            return status?.replicas === 3 && status.cluster.replicas.length === 2;
          },
          'a stream with 3 replicas',
          60_000,
        );
        sink = await JetStreamSink.connect(broker, { publishTimeoutMs: 2000 });
        const startLoader = (connection?: NatsConnection) =>
          JetStreamLoader.start({
            warehouse: getDb(),
            broker,
            batchSize: 500,
            retryDelayMs: 250,
            ...(connection ? { connection } : {}),
          });
        // The first loader's connection is the test's, so the test can cut it like a crash.
        const firstConnection = await connectBroker(resolveBrokerConfig(broker), 'loader-to-crash');
        loader = await startLoader(firstConnection);

        const requests = Math.ceil(EVENTS / REQUEST_SIZE);
        let retries = 0;
        let killed: string | undefined;
        for (let r = 0; r < requests; r++) {
          if (r === Math.floor(requests / 3)) {
            const leader = (await admin.status()).cluster.leader;
            const victim = cluster.nodes.find((node) => node.name === leader);
            killed = victim?.name;
            await victim?.kill();
          }
          if (r === Math.floor(requests / 2)) {
            // Crash: the connection goes away mid-batch (acks of a committed batch are lost, so
            // those messages come back after ack_wait); then a new loader starts.
            await firstConnection.close();
            await loader.stop();
            loader = await startLoader();
          }
          const events = Array.from({ length: Math.min(REQUEST_SIZE, EVENTS - r * REQUEST_SIZE) }, (_, i) =>
            eventRow(`c-${r * REQUEST_SIZE + i}`),
          );
          // A client retries a failed request (the collector's 503) until it is acknowledged.
          for (let attempt = 1; ; attempt++) {
            try {
              await sink.write({ source: 'game', receivedAt: new Date(), events, rejected: [] });
              break;
            } catch (error) {
              retries++;
              if (attempt >= 120) throw error;
              await new Promise((resolve) => setTimeout(resolve, 250));
            }
          }
        }
        // The fault was real: the stream's leader died and another node took over.
        expect(killed).toBeDefined();
        expect((await admin.status()).cluster.leader).not.toBe(killed);
        const node = cluster.nodes.find((candidate) => candidate.name === killed);
        expect(node?.running).toBe(false);
        node?.restart();

        const count = async () =>
          (
            await getDb().query<{ n: string; distinct_ids: string }>(
              'SELECT count(*) AS n, count(DISTINCT message_id) AS distinct_ids FROM raw.events',
            )
          )[0];
        await waitFor(async () => Number((await count())?.n) >= EVENTS, `${EVENTS} rows`, 240_000);
        await waitFor(async () => (await loader?.lag())?.lag === 0, 'consumer lag 0', 120_000);
        await waitFor(
          async () => {
            const status = await admin.status().catch(() => undefined);
            return (
              status?.cluster.replicas.every((peer) => peer.current) === true &&
              status.cluster.replicas.length === 2
            );
          },
          'the restarted node caught up',
          120_000,
        );
        expect(await count()).toEqual({ n: String(EVENTS), distinct_ids: String(EVENTS) });
        const [missing] = await getDb().query<{ n: string }>(
          `SELECT count(*) AS n FROM generate_series(0, $1::int - 1) AS g(i)
           WHERE NOT EXISTS (SELECT 1 FROM raw.events WHERE message_id = 'c-' || g.i)`,
          [EVENTS],
        );
        expect(missing?.n).toBe('0');
        console.info(
          `cluster fault: ${EVENTS} events, ${retries} publish retries after ${killed} was killed, ${loader.stats.duplicates} redelivered events absorbed by the new loader`,
        );
      } finally {
        await loader?.stop();
        await sink?.close();
        await admin.deleteStream().catch(() => false);
        await admin.close();
      }
    });
  });
});

/** Connects an admin client once the cluster has elected a JetStream meta leader. */
async function waitForMetaLeader(broker: BrokerConfig): Promise<BrokerAdmin> {
  const deadline = Date.now() + 60_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const admin = await BrokerAdmin.connect(broker);
      try {
        await admin.checkJetStream();
        return admin;
      } catch (error) {
        await admin.close();
        throw error;
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`no JetStream meta leader within 60 s: ${String(lastError)}`);
}
