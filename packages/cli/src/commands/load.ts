import {
  BrokerAdmin,
  type BrokerConfig,
  formatDuration,
  formatStreamStatus,
  JetStreamLoader,
  type LoadDatabase,
  type MetricsServer,
  parseDuration,
  renderLoaderMetrics,
  type StreamSettings,
  startMetricsServer,
  sumLoaderStats,
} from '@tributary/jetstream';
import { connect, type Warehouse } from '@tributary/warehouse';
import { waitForSignal } from '../wait-for-signal.js';
import { type Command, type CommandIo, EXIT } from '../command.js';
import { type DatabaseTarget, resolveDatabaseTarget } from '../config.js';
import { CliUsageError } from '../errors.js';
import { parseArgs } from '../parse-args.js';

const HELP = `Usage: tributary load [--nats <url>] [--stream <name>] [--subject-prefix <p>] [--durable <name>]
                      [--database-url <url>] [--loaders <n>] [--batch-size <n>] [--metrics-port <n>]
       tributary load --init [--retention limits|workqueue] [--max-age <d>] [--max-bytes <n>]
                      [--duplicate-window <d>] [--replicas <n>] [--ack-wait <d>] [--max-ack-pending <n>]
       tributary load --status [--json]

Moves events that collectors published to NATS JetStream (collector option broker) into the
warehouse: durable pull consumers fetch batches, write them to raw.events (ON CONFLICT
(message_id, source) DO NOTHING: message ids are unique per source) and raw.rejected in one
statement, and acknowledge only after the commit. Run as many loaders (processes, or
--loaders per process) as you like on one consumer.
SIGTERM/SIGINT stop gracefully: the batch in hand is committed and acknowledged.

--init creates or updates the stream and the loaders' consumer (idempotent) and exits.
--status prints the stream, its cluster replicas and the consumer lag, and exits.

Options:
  --nats <url>              NATS server(s), comma-separated (default TRIBUTARY_NATS_URL, else
                            nats://127.0.0.1:4222)
  --stream <name>           stream name (default TRIBUTARY)
  --subject-prefix <p>      subjects <p>.events.<source> and <p>.rejected.<source> (default tributary)
  --durable <name>          the loaders' durable consumer (default tributary-loader)
  --database-url <url>      postgres://…; default DATABASE_URL, else the embedded database
  --loaders <n>             loaders in this process (default 1)
  --batch-size <n>          messages per fetch and commit (default 1000)
  --metrics-port <n>        serve Prometheus text on http://<metrics-host>:<n>/metrics
  --metrics-host <addr>     address of the metrics server (default 127.0.0.1)
  --retention <r>           limits (keep until max age; replayable) or workqueue (removed once
                            loaded); fixed when the stream is created (default limits)
  --max-age <d>             e.g. 7d, 12h; 0 = no limit (default 7d)
  --max-bytes <n>           stream size limit in bytes (default -1, none)
  --duplicate-window <d>    how long a Nats-Msg-Id is remembered for dedupe (default 2m)
  --replicas <n>            copies of every message: 1, or 3/5 on a cluster (default 1)
  --ack-wait <d>            redeliver a message not acknowledged within this time (default 30s)
  --max-ack-pending <n>     unacknowledged messages across all loaders (default 20000)
  --json                    --status as JSON

Examples:
  tributary load --init --nats nats://n1:4222,nats://n2:4222,nats://n3:4222 --replicas 3
  DATABASE_URL=postgres://loader@db:5432/analytics tributary load --loaders 2 --metrics-port 9464
  tributary load --status
`;

/** How the command waits for shutdown and reports its loaders (tests replace the signals). */
export interface LoadHooks {
  /** Resolves when loading should stop (default: SIGTERM or SIGINT). */
  readonly shutdown?: () => Promise<void>;
  readonly onReady?: (info: {
    readonly loaders: readonly JetStreamLoader[];
    readonly metrics?: MetricsServer;
  }) => void;
  /** Opens the warehouse (tests share an in-process PGlite); the command closes it unless `owned` is false. */
  readonly openWarehouse?: (target: DatabaseTarget) => Promise<{ warehouse: Warehouse; owned: boolean }>;
}

const SPEC = {
  nats: { type: 'string' },
  stream: { type: 'string' },
  'subject-prefix': { type: 'string' },
  durable: { type: 'string' },
  'database-url': { type: 'string' },
  loaders: { type: 'string' },
  'batch-size': { type: 'string' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  init: { type: 'boolean' },
  status: { type: 'boolean' },
  json: { type: 'boolean' },
  retention: { type: 'string' },
  'max-age': { type: 'string' },
  'max-bytes': { type: 'string' },
  'duplicate-window': { type: 'string' },
  replicas: { type: 'string' },
  'ack-wait': { type: 'string' },
  'max-ack-pending': { type: 'string' },
} as const;

type Options = Record<string, string | boolean | string[] | undefined>;

/** Builds the `load` command; `loadCommand` is the one with process signals. */
export function createLoadCommand(hooks: LoadHooks = {}): Command {
  return {
    name: 'load',
    summary: 'load events from NATS JetStream into raw.events (--init: set up the stream; --status: lag)',
    help: HELP,
    async run(args, io) {
      const { options, positionals } = parseArgs('load', args, SPEC);
      if (positionals.length > 0)
        throw new CliUsageError(
          `tributary load: unexpected argument "${positionals[0]}". See tributary load --help.`,
        );
      if (options.init && options.status)
        throw new CliUsageError('tributary load: use --init or --status, not both.');
      const broker = brokerOf(options, io);
      if (options.init) return init(broker, streamSettingsOf(options), io);
      if (options.status) return status(broker, options.json === true, io);
      return load(broker, options, io, hooks);
    },
  };
}

/** `tributary load`. */
export const loadCommand: Command = createLoadCommand();

async function init(broker: BrokerConfig, settings: Partial<StreamSettings>, io: CommandIo): Promise<number> {
  const admin = await BrokerAdmin.connect(broker);
  try {
    const result = await admin.ensure(settings);
    const state = await admin.status();
    io.stdout(
      `Stream ${state.stream} ${result.stream} (${state.retention}, replicas ${state.replicas}, max age ${state.maxAgeMs ? formatDuration(state.maxAgeMs) : 'none'}, duplicate window ${formatDuration(state.duplicateWindowMs)}); consumer ${state.lag.consumer} ${result.consumer}.\n`,
    );
    return EXIT.ok;
  } finally {
    await admin.close();
  }
}

async function status(broker: BrokerConfig, json: boolean, io: CommandIo): Promise<number> {
  const admin = await BrokerAdmin.connect(broker);
  try {
    const state = await admin.status();
    io.stdout(json ? `${JSON.stringify(state, null, 2)}\n` : formatStreamStatus(state));
    return EXIT.ok;
  } finally {
    await admin.close();
  }
}

async function load(
  broker: BrokerConfig,
  options: Options,
  io: CommandIo,
  hooks: LoadHooks,
): Promise<number> {
  const count = positiveInt(options.loaders, 'loaders', 1);
  const batchSize = positiveInt(options['batch-size'], 'batch-size', 1000);
  const metricsPort =
    options['metrics-port'] === undefined ? undefined : port(options['metrics-port'] as string);
  const target = resolveDatabaseTarget(
    options['database-url'] as string | undefined,
    io.env,
    io.cwd,
    io.config,
  );
  const { warehouse, owned } = await (hooks.openWarehouse ?? openWarehouse)(target);
  const loaders: JetStreamLoader[] = [];
  let metrics: MetricsServer | undefined;
  try {
    for (let i = 0; i < count; i++)
      loaders.push(
        await JetStreamLoader.start({
          warehouse: warehouse as LoadDatabase,
          broker,
          batchSize,
          name: `tributary-loader-${process.pid}-${i + 1}`,
          observer: {
            failed: (error, stage) =>
              io.stderr(`loader ${i + 1}: ${stage} failed: ${(error as Error).message}\n`),
          },
        }),
      );
    if (metricsPort !== undefined)
      metrics = await startMetricsServer(() => renderMetrics(loaders), {
        port: metricsPort,
        host: (options['metrics-host'] as string | undefined) ?? '127.0.0.1',
      });
    const first = loaders[0] as JetStreamLoader;
    io.stdout(
      `Loading ${first.config.stream} (consumer ${first.config.durable}) into ${target.description} with ${count} loader${count === 1 ? '' : 's'}${metrics ? `; metrics on ${metrics.url}` : ''}\n`,
    );
    hooks.onReady?.({ loaders, ...(metrics ? { metrics } : {}) });
    await (hooks.shutdown ?? waitForSignal)();
    io.stdout('Stopping: committing the batches in hand…\n');
    await Promise.all(loaders.map((loader) => loader.stop()));
    const total = sumLoaderStats(loaders.map((loader) => loader.stats));
    io.stdout(
      `Loader stopped: ${total.inserted} events loaded, ${total.duplicates} duplicates absorbed, ${total.rejected} rejected messages stored.\n`,
    );
    return EXIT.ok;
  } finally {
    await metrics?.close();
    await Promise.all(loaders.map((loader) => loader.stop()));
    if (owned) await warehouse.close();
  }
}

async function renderMetrics(loaders: readonly JetStreamLoader[]): Promise<string> {
  return renderLoaderMetrics(sumLoaderStats(loaders.map((loader) => loader.stats)), await loaders[0]?.lag());
}

async function openWarehouse(target: DatabaseTarget): Promise<{ warehouse: Warehouse; owned: boolean }> {
  const warehouse =
    target.kind === 'url' ? await connect(target.url) : await connect(undefined, { dataDir: target.dataDir });
  return { warehouse, owned: true };
}

function brokerOf(options: Options, io: CommandIo): BrokerConfig {
  const url =
    (options.nats as string | undefined) ?? io.env.TRIBUTARY_NATS_URL?.trim() ?? 'nats://127.0.0.1:4222';
  return {
    url,
    ...(options.stream ? { stream: options.stream as string } : {}),
    ...(options['subject-prefix'] ? { subjectPrefix: options['subject-prefix'] as string } : {}),
    ...(options.durable ? { durable: options.durable as string } : {}),
  };
}

function streamSettingsOf(options: Options): Partial<StreamSettings> {
  const settings: { -readonly [K in keyof StreamSettings]?: StreamSettings[K] } = {};
  const retention = options.retention as string | undefined;
  if (retention !== undefined) {
    if (retention !== 'limits' && retention !== 'workqueue')
      throw new CliUsageError(`tributary load: --retention must be limits or workqueue, got "${retention}".`);
    settings.retention = retention;
  }
  if (options['max-age'] !== undefined) settings.maxAgeMs = duration(options['max-age'] as string, 'max-age');
  if (options['duplicate-window'] !== undefined)
    settings.duplicateWindowMs = duration(options['duplicate-window'] as string, 'duplicate-window');
  if (options['ack-wait'] !== undefined)
    settings.ackWaitMs = duration(options['ack-wait'] as string, 'ack-wait');
  if (options.replicas !== undefined) settings.replicas = positiveInt(options.replicas, 'replicas', 1);
  if (options['max-ack-pending'] !== undefined)
    settings.maxAckPending = positiveInt(options['max-ack-pending'], 'max-ack-pending', 1);
  if (options['max-bytes'] !== undefined) {
    const bytes = Number(options['max-bytes']);
    if (!Number.isInteger(bytes) || (bytes < 1 && bytes !== -1))
      throw new CliUsageError(
        `tributary load: --max-bytes must be -1 or a positive integer, got "${options['max-bytes']}".`,
      );
    settings.maxBytes = bytes;
  }
  return settings;
}

function duration(text: string, option: string): number {
  try {
    return parseDuration(text, `--${option}`);
  } catch (error) {
    throw new CliUsageError(`tributary load: ${(error as Error).message}`);
  }
}

function positiveInt(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CliUsageError(
      `tributary load: --${option} must be a positive integer, got "${String(value)}".`,
    );
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new CliUsageError(
      `tributary load: --metrics-port must be an integer from 0 to 65535, got "${value}".`,
    );
  return n;
}
