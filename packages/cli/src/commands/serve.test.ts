import { gzipSync } from 'node:zlib';
import { type CollectorServer, hashKey } from '@tributary/collector';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../command.js';
import type { TributaryConfig } from '../define-config.js';
import { createServeCommand, sourcesFromEnv } from './serve.js';

const PLAN = new URL('../__fixtures__/plan-final.ts', import.meta.url).pathname;

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      cwd: process.cwd(),
      env: { TRIBUTARY_WRITE_KEY: 'wk_cli', TRIBUTARY_ADMIN_KEY: 'admin_cli' } as Record<
        string,
        string | undefined
      >,
      stdout: (text: string) => {
        out.stdout += text;
      },
      stderr: (text: string) => {
        out.stderr += text;
      },
    },
  };
}

/** Starts `serve` on memory:// and resolves with the listening server, or rejects with the failure. */
async function startServe(io: CommandIo, out: ReturnType<typeof capture>['out']) {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  let listening!: (server: CollectorServer) => void;
  const started = new Promise<CollectorServer>((resolve) => {
    listening = resolve;
  });
  const exit = createServeCommand({ shutdown: () => stopped, onListening: listening }).run(
    ['--port', '0', '--plan', PLAN, '--database-url', 'memory://'],
    io,
  );
  const server = await Promise.race([
    started,
    exit.then((code) => Promise.reject(new Error(`exited ${code}: ${out.stderr}`))),
  ]);
  return {
    server,
    stop: () => {
      stop();
      return exit;
    },
  };
}

/** A loaded tributary.config with these collector settings. */
function withConfig(collector: TributaryConfig['collector']) {
  return {
    file: 'tributary.config.ts',
    root: process.cwd(),
    planPath: PLAN,
    config: { plan: PLAN, collector },
  };
}

describe('tributary serve', () => {
  it('serves the collector until shutdown, then flushes and exits 0', { timeout: 60_000 }, async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let listening!: (server: CollectorServer) => void;
    const started = new Promise<CollectorServer>((resolve) => {
      listening = resolve;
    });
    const command = createServeCommand({ shutdown: () => stopped, onListening: listening });
    const { io, out } = capture();
    const exit = command.run(['--port', '0', '--plan', PLAN, '--database-url', 'memory://'], io);
    const server = await Promise.race([
      started,
      exit.then((code) => Promise.reject(new Error(`exited ${code}: ${out.stderr}`))),
    ]);
    expect(out.stdout).toContain(`Collector listening on ${server.url}`);

    const message = {
      type: 'identify',
      userId: 'u1',
      messageId: 'cli-1',
      traits: {},
      context: { platform: 'web' },
    };
    const response = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        authorization: `Basic ${Buffer.from('wk_cli:').toString('base64')}`,
      },
      body: gzipSync(JSON.stringify({ batch: [message] })),
    });
    expect(await response.json()).toMatchObject({ accepted: 1 });
    const rows = await server.collector.warehouse.query<{ source: string }>(
      "SELECT source FROM raw.events WHERE message_id = 'cli-1'",
    );
    expect(rows).toEqual([{ source: 'default' }]);
    const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer admin_cli' } });
    expect(await metrics.text()).toContain('tributary_collector_events_accepted_total 1');

    stop();
    expect(await exit).toBe(0);
    expect(out.stdout).toContain('Collector stopped.');
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('--broker publishes accepted events to JetStream instead of the database', {
    timeout: 60_000,
  }, async () => {
    const { BrokerAdmin } = await import('@tributary/jetstream');
    const id = `${process.pid}_${Date.now()}`;
    const broker = {
      url: process.env.TRIBUTARY_NATS_URL ?? 'nats://127.0.0.1:4222',
      stream: `TRIBUTARY_SERVE_TEST_${id}`,
      subjectPrefix: `tributary_st_${id}`,
    };
    const admin = await BrokerAdmin.connect(broker);
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    try {
      await admin.ensure({ replicas: 1 });
      let listening!: (server: CollectorServer) => void;
      const started = new Promise<CollectorServer>((resolve) => {
        listening = resolve;
      });
      const { io, out } = capture();
      const exit = createServeCommand({ shutdown: () => stopped, onListening: listening }).run(
        [
          '--port',
          '0',
          '--plan',
          PLAN,
          '--database-url',
          'memory://',
          '--broker',
          broker.url,
          '--stream',
          broker.stream,
          '--subject-prefix',
          broker.subjectPrefix,
        ],
        io,
      );
      const server = await Promise.race([
        started,
        exit.then((code) => Promise.reject(new Error(`exited ${code}: ${out.stderr}`))),
      ]);
      const response = await fetch(`${server.url}/v1/batch`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from('wk_cli:').toString('base64')}`,
        },
        body: JSON.stringify({
          batch: [
            {
              type: 'identify',
              userId: 'u1',
              messageId: `broker-${id}`,
              traits: {},
              context: { platform: 'web' },
            },
          ],
        }),
      });
      expect(await response.json()).toMatchObject({ accepted: 1 });
      expect((await admin.status()).messages).toBe(1);
      expect(
        await server.collector.warehouse.query("SELECT 1 FROM raw.events WHERE message_id LIKE 'broker-%'"),
      ).toEqual([]);
      stop();
      expect(await exit).toBe(0);
    } finally {
      stop();
      await admin.deleteStream();
      await admin.close();
    }
  });

  it('refuses a --broker that is not a nats:// URL', async () => {
    const { io } = capture();
    await expect(createServeCommand().run(['--plan', PLAN, '--broker', 'http://x'], io)).rejects.toThrow(
      /--broker must be a nats:\/\/ URL \(got "http:\/\/x"\), e\.g\. --broker nats:\/\/127\.0\.0\.1:4222/,
    );
  });

  it('refuses to start without a write key, naming the variable', async () => {
    const { io } = capture();
    expect(() => sourcesFromEnv({})).toThrow(/TRIBUTARY_WRITE_KEY/);
    await expect(createServeCommand().run(['--plan', PLAN], { ...io, env: {} })).rejects.toThrow(
      /TRIBUTARY_WRITE_KEY/,
    );
  });

  it('reads sources from TRIBUTARY_SOURCES with hashed keys and CORS origins', () => {
    const sources = sourcesFromEnv({
      TRIBUTARY_SOURCES: JSON.stringify([
        { name: 'web', writeKey: 'wk_web', corsOrigins: ['https://shop.example'] },
        { name: 'old', writeKeyHash: 'a'.repeat(64), enabled: false },
      ]),
    });
    expect(sources).toEqual([
      { name: 'web', writeKeyHash: hashKey('wk_web'), enabled: true, corsOrigins: ['https://shop.example'] },
      { name: 'old', writeKeyHash: 'a'.repeat(64), enabled: false, corsOrigins: [] },
    ]);
    expect(() => sourcesFromEnv({ TRIBUTARY_SOURCES: '[{"name":"x"}]' })).toThrow(/writeKey/);
    expect(() => sourcesFromEnv({ TRIBUTARY_SOURCES: '{' })).toThrow(/not valid JSON/);
    expect(sourcesFromEnv({}, { required: false })).toEqual([]);
  });

  it('the README setup (a config source reading TRIBUTARY_WRITE_KEY, the variable set) starts one source; publicUrl names the collector', {
    timeout: 60_000,
  }, async () => {
    const { io, out } = capture();
    const { server, stop } = await startServe(
      {
        ...io,
        config: withConfig({
          sources: [{ name: 'app', writeKey: 'wk_cli' }],
          publicUrl: 'https://collect.example.com',
        }),
      },
      out,
    );
    try {
      expect(out.stdout).toContain('1 source,');
      const settings = await fetch(`${server.url}/v1/projects/wk_cli/settings`);
      expect(await settings.json()).toMatchObject({
        integrations: { 'Segment.io': { apiHost: 'collect.example.com/v1', protocol: 'https' } },
      });
      const response = await fetch(`${server.url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-write-key': 'wk_cli' },
        body: JSON.stringify({
          batch: [
            {
              type: 'identify',
              userId: 'u1',
              messageId: 'readme-1',
              traits: {},
              context: { platform: 'web' },
            },
          ],
        }),
      });
      expect(await response.json()).toMatchObject({ accepted: 1 });
      expect(
        await server.collector.warehouse.query("SELECT source FROM raw.events WHERE message_id = 'readme-1'"),
      ).toEqual([{ source: 'app' }]);
    } finally {
      expect(await stop()).toBe(0);
    }
  });

  it('refuses to start when two sources share a key, naming both', { timeout: 60_000 }, async () => {
    const { io } = capture();
    const env = { TRIBUTARY_SOURCES: JSON.stringify([{ name: 'web', writeKey: 'wk_shared_key' }]) };
    await expect(
      createServeCommand().run(['--port', '0', '--plan', PLAN, '--database-url', 'memory://'], {
        ...io,
        env,
        config: withConfig({ sources: [{ name: 'app', writeKey: 'wk_shared_key' }] }),
      }),
    ).rejects.toThrow(/Sources "app" and "web" have the same write key; one key maps to one source/);
    await expect(
      createServeCommand().run(['--port', '0', '--plan', PLAN, '--database-url', 'memory://'], {
        ...io,
        env: { ...env, TRIBUTARY_WRITE_KEY: 'wk_shared_key' },
      }),
    ).rejects.toThrow(/Sources "default" and "web" have the same write key/);
  });

  it('refuses a TRIBUTARY_WRITE_KEY that none of the configured sources uses', async () => {
    const { io } = capture();
    await expect(
      createServeCommand().run(['--plan', PLAN, '--database-url', 'memory://'], {
        ...io,
        env: { TRIBUTARY_WRITE_KEY: 'wk_elsewhere' },
        config: withConfig({ sources: [{ name: 'app', writeKey: 'wk_app_key' }] }),
      }),
    ).rejects.toThrow(
      /TRIBUTARY_WRITE_KEY is set, but tributary\.config\.ts declares collector\.sources \("app"\)/,
    );
  });
});
