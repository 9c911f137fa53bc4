import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Collector, createCollector, hashKey } from '@tributary/collector';
import type { JetStreamLoader, MetricsServer } from '@tributary/jetstream';
import { compileDdl, planToWarehouse } from '@tributary/sql';
import { connect } from '@tributary/warehouse';
import { describeEachDatabase, etlTestDocument } from '@tributary/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliUsageError } from '../errors.js';
import { createLoadCommand, loadCommand } from './load.js';

const NATS_URL = process.env.TRIBUTARY_NATS_URL ?? 'nats://127.0.0.1:4222';
const KEYS = { ios: 'wk_ios', web: 'wk_web' } as const;

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      cwd: process.cwd(),
      env: {} as Record<string, string | undefined>,
      stdout: (text: string) => {
        out.stdout += text;
      },
      stderr: (text: string) => {
        out.stderr += text;
      },
    },
  };
}

function levelUp(messageId: string, level: number): Record<string, unknown> {
  return {
    type: 'track',
    event: 'level_up',
    messageId,
    userId: `u-${level % 7}`,
    timestamp: '2026-01-01T00:00:00.000Z',
    properties: { level, character: 'mage' },
    context: { platform: 'ios', eventVersion: 1 },
  };
}

/** A background `tributary load` with a stop switch. */
function startLoad(args: readonly string[], warehouse: () => import('@tributary/warehouse').Warehouse) {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  let readyInfo!: (info: { loaders: readonly JetStreamLoader[]; metrics?: MetricsServer }) => void;
  const ready = new Promise<{ loaders: readonly JetStreamLoader[]; metrics?: MetricsServer }>((resolve) => {
    readyInfo = resolve;
  });
  const command = createLoadCommand({
    shutdown: () => stopped,
    onReady: readyInfo,
    openWarehouse: async () => ({ warehouse: warehouse(), owned: false }),
  });
  const { io, out } = capture();
  const exit = command.run(args, io);
  exit.catch(() => undefined);
  return {
    stop,
    ready: Promise.race([ready, exit.then(() => Promise.reject(new Error(out.stderr)))]),
    exit,
    out,
  };
}

describeEachDatabase('tributary load (NATS at 127.0.0.1:4222)', (getDb) => {
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const brokerArgs = [
    '--nats',
    NATS_URL,
    '--stream',
    `TRIBUTARY_LOAD_TEST_${id}`,
    '--subject-prefix',
    `tributary_lt_${id}`,
  ];
  const broker = { url: NATS_URL, stream: `TRIBUTARY_LOAD_TEST_${id}`, subjectPrefix: `tributary_lt_${id}` };
  const collectors: Collector[] = [];

  beforeAll(async () => {
    await getDb().exec(compileDdl(planToWarehouse(etlTestDocument)));
  });
  afterAll(async () => {
    for (const collector of collectors) await collector.close();
    const { BrokerAdmin } = await import('@tributary/jetstream');
    const admin = await BrokerAdmin.connect(broker);
    await admin.deleteStream();
    await admin.close();
  });

  it('--init creates the stream and consumer, and a second run changes nothing', async () => {
    const first = capture();
    expect(
      await loadCommand.run(
        [...brokerArgs, '--init', '--max-age', '1d', '--duplicate-window', '5m', '--ack-wait', '5s'],
        first.io,
      ),
    ).toBe(0);
    expect(first.out.stdout).toMatch(
      new RegExp(
        `Stream TRIBUTARY_LOAD_TEST_${id} created \\(limits, replicas 1, max age 1d, duplicate window 5m\\); consumer tributary-loader created`,
      ),
    );
    const again = capture();
    expect(
      await loadCommand.run(
        [...brokerArgs, '--init', '--max-age', '1d', '--duplicate-window', '5m', '--ack-wait', '5s'],
        again.io,
      ),
    ).toBe(0);
    expect(again.out.stdout).toContain('unchanged (limits');
    expect(again.out.stdout).toContain('consumer tributary-loader unchanged');
    const changed = capture();
    await loadCommand.run(
      [...brokerArgs, '--init', '--max-age', '2d', '--duplicate-window', '5m', '--ack-wait', '5s'],
      changed.io,
    );
    expect(changed.out.stdout).toContain('updated (limits, replicas 1, max age 2d');
    const conflict = capture();
    await expect(
      loadCommand.run([...brokerArgs, '--init', '--retention', 'workqueue'], conflict.io),
    ).rejects.toMatchObject({
      code: 'stream_conflict',
    });
  });

  it('acceptance 1: events sent to two collectors and loaded by two loaders land in raw.events exactly once', {
    timeout: 120_000,
  }, async () => {
    for (let i = 0; i < 2; i++)
      collectors.push(
        await createCollector({
          plan: etlTestDocument,
          warehouse: getDb(),
          sources: [
            { name: 'ios', writeKeyHash: hashKey(KEYS.ios) },
            { name: 'web', writeKeyHash: hashKey(KEYS.web) },
          ],
          adminKeyHash: hashKey('admin'),
          broker: { ...broker, publishTimeoutMs: 5000 },
        }),
      );
    const loaderA = startLoad([...brokerArgs, '--batch-size', '200', '--metrics-port', '0'], getDb);
    const loaderB = startLoad([...brokerArgs, '--batch-size', '200'], getDb);
    const [a, b] = await Promise.all([loaderA.ready, loaderB.ready]);

    const total = 3000;
    const post = async (collector: Collector, key: string, batch: unknown[]) =>
      await collector.app.request('/v1/batch', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-write-key': key },
        body: JSON.stringify({ batch }),
      });
    const bodies: { accepted: number; duplicates: number; rejected: number }[] = [];
    const requests: Promise<void>[] = [];
    for (let start = 0; start < total; start += 100) {
      const batch = Array.from({ length: 100 }, (_, i) =>
        levelUp(`acc-${start + i}`, ((start + i) % 500) + 1),
      );
      const collector = collectors[(start / 100) % 2] as Collector;
      const key = start % 200 === 0 ? KEYS.ios : KEYS.web;
      requests.push(
        post(collector, key, batch).then(async (response) => {
          expect(response.status).toBe(200);
          bodies.push((await response.json()) as (typeof bodies)[number]);
        }),
      );
    }
    await Promise.all(requests);
    // A client retries its first batch against the other collector, plus one invalid message.
    const retry = await post(collectors[1] as Collector, KEYS.ios, [
      ...Array.from({ length: 100 }, (_, i) => levelUp(`acc-${i}`, i + 1)),
      { ...levelUp('bad-1', 1), properties: { level: 0, character: 'mage' } },
    ]);
    expect(await retry.json()).toMatchObject({ accepted: 0, duplicates: 100, rejected: 1 });
    expect(bodies.reduce((sum, body) => sum + body.accepted, 0)).toBe(total);

    const deadline = Date.now() + 60_000;
    const count = async () =>
      (
        await getDb().query<{ n: string; distinct_ids: string; rejected: string }>(
          'SELECT count(*) AS n, count(DISTINCT message_id) AS distinct_ids, (SELECT count(*) FROM raw.rejected) AS rejected FROM raw.events',
        )
      )[0];
    while (Date.now() < deadline) {
      const counts = await count();
      if (Number(counts?.n) >= total && Number(counts?.rejected) >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const first = a.loaders[0] as JetStreamLoader;
    while (Date.now() < deadline && (await first.lag())?.lag !== 0)
      await new Promise((resolve) => setTimeout(resolve, 100));

    const metrics = await fetch(a.metrics?.url as string);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain(
      `tributary_jetstream_consumer_lag_messages{stream="${broker.stream}",consumer="tributary-loader"} 0`,
    );
    expect(text).toMatch(/tributary_loader_messages_total \d+/);

    const status = capture();
    expect(await loadCommand.run([...brokerArgs, '--status'], status.io)).toBe(0);
    expect(status.out.stdout).toContain(`Stream ${broker.stream}: ${total + 1} messages`);
    expect(status.out.stdout).toContain('Consumer tributary-loader: lag 0 (pending 0, ack pending 0)');

    loaderA.stop();
    loaderB.stop();
    expect(await loaderA.exit).toBe(0);
    expect(await loaderB.exit).toBe(0);
    expect(loaderA.out.stdout).toContain('Loader stopped:');

    expect(await count()).toEqual({ n: String(total), distinct_ids: String(total), rejected: '1' });
    const ids = await getDb().query<{ message_id: string }>('SELECT message_id FROM raw.events');
    expect(new Set(ids.map((row) => row.message_id))).toEqual(
      new Set(Array.from({ length: total }, (_, i) => `acc-${i}`)),
    );
    const sources = await getDb().query<{ source: string; n: string }>(
      'SELECT source, count(*) AS n FROM raw.events GROUP BY source ORDER BY source',
    );
    expect(sources).toEqual([
      { source: 'ios', n: String(total / 2) },
      { source: 'web', n: String(total / 2) },
    ]);
    const loaded = [...a.loaders, ...b.loaders].reduce((sum, loader) => sum + loader.stats.inserted, 0);
    expect(loaded).toBe(total);
  });
});

describe('tributary load usage', () => {
  it('rejects bad settings with usage errors naming the option', async () => {
    const { io } = capture();
    await expect(loadCommand.run(['--init', '--retention', 'forever'], io)).rejects.toThrow(CliUsageError);
    await expect(loadCommand.run(['--init', '--max-age', 'soon'], io)).rejects.toThrow(/--max-age "soon"/);
    await expect(loadCommand.run(['--loaders', '0'], io)).rejects.toThrow(
      /--loaders must be a positive integer/,
    );
    await expect(loadCommand.run(['--init', '--status'], io)).rejects.toThrow(/not both/);
  });

  it('fails with a clear error when NATS does not answer', async () => {
    const { io } = capture();
    await expect(loadCommand.run(['--status', '--nats', 'nats://127.0.0.1:1'], io)).rejects.toMatchObject({
      code: 'broker_unavailable',
      message: expect.stringContaining('nats://127.0.0.1:1'),
    });
  });
});

describe('tributary load in a child process', () => {
  it('SIGTERM: commits and acknowledges the batch in hand, then exits 0', { timeout: 120_000 }, async () => {
    const { BrokerAdmin, JetStreamSink } = await import('@tributary/jetstream');
    const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
    const broker = {
      url: NATS_URL,
      stream: `TRIBUTARY_SIGTERM_TEST_${id}`,
      subjectPrefix: `tributary_st_${id}`,
    };
    const dataDir = mkdtempSync(join(tmpdir(), 'tributary-load-sigterm-'));
    const admin = await BrokerAdmin.connect(broker);
    try {
      await admin.ensure();
      const sink = await JetStreamSink.connect(broker);
      const total = 20_000;
      for (let start = 0; start < total; start += 500)
        await sink.write({
          source: 'ios',
          receivedAt: new Date(),
          events: Array.from({ length: 500 }, (_, i) => ({
            messageId: `sig-${start + i}`,
            type: 'track',
            event: 'level_up',
            payload: JSON.stringify(levelUp(`sig-${start + i}`, 1)),
          })),
          rejected: [],
        });
      await sink.close();
      const setup = await connect(undefined, { dataDir });
      await setup.exec(compileDdl(planToWarehouse(etlTestDocument)));
      await setup.close();

      const main = new URL('../index.ts', import.meta.url).pathname;
      const script = `import { main } from ${JSON.stringify(main)}; process.exitCode = await main(process.argv.slice(1));`;
      const child = spawn(
        process.execPath,
        [
          '--conditions=@tributary/source',
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          script,
          'load',
          '--nats',
          NATS_URL,
          '--stream',
          broker.stream,
          '--subject-prefix',
          broker.subjectPrefix,
          '--batch-size',
          '200',
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, DATABASE_URL: '', TRIBUTARY_DATA_DIR: dataDir },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      // SIGTERM while the backlog is being loaded.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const lag = (await admin.status()).lag;
        if (lag.pending < total && lag.lag > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill('SIGTERM');
      expect(await exited, stderr).toBe(0);
      expect(stdout).toContain('Stopping: committing the batches in hand');
      const loaded = Number(/Loader stopped: (\d+) events loaded/.exec(stdout)?.[1]);
      expect(loaded).toBeGreaterThan(0);
      const status = await admin.status();
      expect(status.lag.ackPending).toBe(0);
      const check = await connect(undefined, { dataDir });
      const [row] = await check.query<{ n: string }>('SELECT count(*) AS n FROM raw.events');
      await check.close();
      expect(Number(row?.n)).toBe(loaded);
      expect(status.lag.pending).toBe(total - loaded);
    } finally {
      await admin.deleteStream();
      await admin.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
