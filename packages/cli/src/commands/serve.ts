import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CollectorServer, hashKey, type SourceConfig, startCollectorServer } from '@tributary/collector';
import { fromPlanDocument, type PlanDocument, toPlanDocument } from '@tributary/schema';
import { compileDdl, planToWarehouse } from '@tributary/sql';
import { connect, type Warehouse } from '@tributary/warehouse';
import { waitForSignal } from '../wait-for-signal.js';
import { type Command, type CommandIo, EXIT } from '../command.js';
import { resolveDatabaseTarget } from '../config.js';
import type { SourceConfig as ConfigSource } from '../define-config.js';
import { CliUsageError } from '../errors.js';
import { loadPlanModule } from '../load-plan.js';
import { parseArgs } from '../parse-args.js';

const HELP = `Usage: tributary serve [--port <n>] [--host <addr>] [--plan <file>] [--database-url <url>]

Starts the Segment-compatible collector (POST /v1/batch, /v1/track, …; GET /health, /ready,
/metrics). Events are validated against the plan and stored in raw.events (invalid ones in
raw.rejected). SIGTERM/SIGINT shut it down gracefully: stop accepting, flush, close.

Sources, port, host and the admin key come from tributary.config.ts (collector: { … }) when
there is one, plus the environment below. The database is --database-url, else DATABASE_URL,
else the config's databaseUrl, else the embedded database in
.tributary/data (TRIBUTARY_DATA_DIR). Its tables must exist (run tributary migrate first);
with memory:// the plan's tables are created in the in-memory database.

Options:
  --port <n>             port to listen on (default 8787; 0 picks a free port)
  --host <addr>          address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
  --plan <file>          plan module, or a plan document .json (default: from tributary.config.ts)
  --database-url <url>   postgres://user@host:5432/db, or memory://
  --broker <nats-url>    publish to NATS JetStream instead of writing to the database (comma-separated
                         servers; also TRIBUTARY_BROKER_URL); run tributary load --init and tributary load
  --stream <name>        JetStream stream (default TRIBUTARY)
  --subject-prefix <p>   subject prefix (default tributary)

Environment (keys are never accepted as flags, so they stay out of shell history and ps):
  TRIBUTARY_WRITE_KEY        write key of the source "default" when tributary.config.ts declares no
                             sources (with sources, a source reads it: writeKey: env('TRIBUTARY_WRITE_KEY'))
  TRIBUTARY_CORS_ORIGINS     comma-separated browser origins allowed for that source
  TRIBUTARY_SOURCES          JSON: [{"name":"web","writeKey":"…"|"writeKeyHash":"<sha256 hex>",
                             "corsOrigins":["https://example.com"],"enabled":true}, …]
  TRIBUTARY_ADMIN_KEY        admin key for GET /metrics (or TRIBUTARY_ADMIN_KEY_HASH)
  TRIBUTARY_ANONYMIZE_IP     "1" to truncate client IPs (IPv4 /24, IPv6 /48)
  TRIBUTARY_PUBLIC_URL       the address browsers reach the collector at (https://collect.example.com):
                             the apiHost of GET /v1/projects/<key>/settings
  TRIBUTARY_ALLOWED_HOSTS    without a public URL, comma-separated Host headers that settings document
                             may name (name or name:port); with neither, only localhost/127.0.0.1/[::1]

Examples:
  TRIBUTARY_WRITE_KEY=wk_dev tributary serve --plan ./src/plan.ts
  DATABASE_URL=postgres://postgres@localhost:5432/analytics TRIBUTARY_SOURCES='[{"name":"web","writeKey":"wk_web","corsOrigins":["https://shop.example"]}]' tributary serve --host 0.0.0.0 --port 8080
`;

/** How the command waits for shutdown and reports where it listens (tests replace the signals). */
export interface ServeHooks {
  /** Resolves when the server should shut down (default: SIGTERM or SIGINT). */
  readonly shutdown?: () => Promise<void>;
  readonly onListening?: (server: CollectorServer) => void;
}

/** Builds the `serve` command; `serveCommand` is the one with process signals. */
export function createServeCommand(hooks: ServeHooks = {}): Command {
  return {
    name: 'serve',
    summary: 'run the Segment-compatible collector (HTTP ingest into raw.events)',
    help: HELP,
    async run(args, io) {
      const { options } = parseArgs('serve', args, {
        port: { type: 'string' },
        host: { type: 'string' },
        plan: { type: 'string' },
        'database-url': { type: 'string' },
        broker: { type: 'string' },
        stream: { type: 'string' },
        'subject-prefix': { type: 'string' },
      });
      const brokerUrl =
        (options.broker as string | undefined) ?? (io.env.TRIBUTARY_BROKER_URL?.trim() || undefined);
      if (brokerUrl !== undefined && !/^nats:\/\//.test(brokerUrl)) {
        throw new CliUsageError(
          `tributary serve: --broker must be a nats:// URL (got "${brokerUrl}"), e.g. --broker nats://127.0.0.1:4222.`,
        );
      }
      const broker = brokerUrl
        ? {
            url: brokerUrl.split(','),
            ...(options.stream ? { stream: options.stream as string } : {}),
            ...(options['subject-prefix'] ? { subjectPrefix: options['subject-prefix'] as string } : {}),
          }
        : undefined;
      const collectorConfig = io.config?.config.collector;
      const port =
        options.port !== undefined || collectorConfig?.port === undefined
          ? parsePort(options.port as string | undefined)
          : collectorConfig.port;
      const sources = resolveSources(collectorConfig?.sources, io.env);
      const plan = await loadPlanDocument(options.plan as string | undefined, io);
      const target = resolveDatabaseTarget(
        options['database-url'] as string | undefined,
        io.env,
        io.cwd,
        io.config,
      );
      const warehouse =
        target.kind === 'url'
          ? await connect(target.url)
          : await connect(undefined, { dataDir: target.dataDir });
      let server: CollectorServer | undefined;
      try {
        if (!(await ensureTables(warehouse, plan, target.kind === 'url' && /^memory:/.test(target.url), io)))
          return EXIT.failure;
        const adminKey = io.env.TRIBUTARY_ADMIN_KEY?.trim() || collectorConfig?.adminKey;
        const adminKeyHash = adminKey ? hashKey(adminKey) : io.env.TRIBUTARY_ADMIN_KEY_HASH?.trim();
        const publicUrl = io.env.TRIBUTARY_PUBLIC_URL?.trim() || collectorConfig?.publicUrl;
        const allowedHosts = io.env.TRIBUTARY_ALLOWED_HOSTS?.trim()
          ? io.env.TRIBUTARY_ALLOWED_HOSTS.split(',')
              .map((host) => host.trim())
              .filter(Boolean)
          : collectorConfig?.allowedHosts;
        server = await startCollectorServer({
          ...(broker ? { broker } : {}),
          plan,
          warehouse,
          sources,
          ...(adminKeyHash ? { adminKeyHash } : {}),
          ...(publicUrl ? { publicUrl } : {}),
          ...(allowedHosts ? { allowedHosts } : {}),
          ipAnonymization:
            io.env.TRIBUTARY_ANONYMIZE_IP === '1' || collectorConfig?.anonymizeIp ? 'truncate' : 'none',
          port,
          host: (options.host as string | undefined) ?? collectorConfig?.host ?? '127.0.0.1',
          handleSignals: false,
        });
        io.stdout(
          `Collector listening on ${server.url} (plan ${plan.name}, ${sources.length} source${sources.length === 1 ? '' : 's'}, ${target.description})\n`,
        );
        hooks.onListening?.(server);
        await (hooks.shutdown ?? waitForSignal)();
        io.stdout('Shutting down: flushing pending events…\n');
        await server.close();
        server = undefined;
        io.stdout('Collector stopped.\n');
        return EXIT.ok;
      } finally {
        await server?.close();
        await warehouse.close();
      }
    },
  };
}

/** `tributary serve`. */
export const serveCommand: Command = createServeCommand();

function parsePort(value: string | undefined): number {
  if (value === undefined) return 8787;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliUsageError(`tributary serve: --port must be an integer from 0 to 65535, got "${value}".`);
  return port;
}

/**
 * The collector's sources: tributary.config's `collector.sources` when it declares any, else the
 * source `default` of TRIBUTARY_WRITE_KEY; TRIBUTARY_SOURCES adds to either. With configured
 * sources TRIBUTARY_WRITE_KEY is what a source reads with `env()`, not a source of its own: set to a
 * key none of them uses, it is an error rather than silently ignored. Two sources with one key are
 * refused by the collector (one key maps to one source).
 */
function resolveSources(
  configured: readonly ConfigSource[] | undefined,
  env: Readonly<Record<string, string | undefined>>,
): SourceConfig[] {
  if (!configured?.length) return sourcesFromEnv(env);
  const sources = configured.map((source) => ({
    name: source.name,
    writeKeyHash: hashKey(source.writeKey),
    enabled: source.enabled ?? true,
    corsOrigins: source.corsOrigins ?? [],
  }));
  const single = env.TRIBUTARY_WRITE_KEY?.trim();
  if (single && !configured.some((source) => source.writeKey.trim() === single))
    throw new CliUsageError(
      `tributary serve: TRIBUTARY_WRITE_KEY is set, but tributary.config.ts declares collector.sources (${sources.map((s) => `"${s.name}"`).join(', ')}) and none of them uses that key. Read it in a source (writeKey: env('TRIBUTARY_WRITE_KEY')), add a source for it, or unset it.`,
    );
  return [...sources, ...sourcesFromEnv(env, { required: false, writeKeySource: false })];
}

/**
 * Sources from TRIBUTARY_SOURCES (JSON) and/or TRIBUTARY_WRITE_KEY (unless `writeKeySource` is
 * false); keys are hashed at once. Throws when there are none unless `required` is false.
 */
export function sourcesFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly required?: boolean; readonly writeKeySource?: boolean } = {},
): SourceConfig[] {
  const sources: SourceConfig[] = [];
  const single = options.writeKeySource === false ? undefined : env.TRIBUTARY_WRITE_KEY?.trim();
  if (single) {
    const corsOrigins = (env.TRIBUTARY_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    sources.push({ name: 'default', writeKeyHash: hashKey(single), corsOrigins });
  }
  const json = env.TRIBUTARY_SOURCES?.trim();
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new CliUsageError(
        `tributary serve: TRIBUTARY_SOURCES is not valid JSON (${(error as Error).message}).`,
      );
    }
    if (!Array.isArray(parsed))
      throw new CliUsageError('tributary serve: TRIBUTARY_SOURCES must be a JSON array of sources.');
    parsed.forEach((entry: Record<string, unknown>, index) => {
      const where = `TRIBUTARY_SOURCES[${index}]`;
      if (typeof entry?.name !== 'string' || entry.name === '')
        throw new CliUsageError(`tributary serve: ${where} needs a "name".`);
      const hash =
        typeof entry.writeKey === 'string' && entry.writeKey !== ''
          ? hashKey(entry.writeKey)
          : typeof entry.writeKeyHash === 'string' && /^[0-9a-f]{64}$/i.test(entry.writeKeyHash)
            ? entry.writeKeyHash
            : undefined;
      if (!hash)
        throw new CliUsageError(
          `tributary serve: ${where} needs "writeKey" or "writeKeyHash" (64 hex characters).`,
        );
      const origins = Array.isArray(entry.corsOrigins)
        ? entry.corsOrigins.filter((o): o is string => typeof o === 'string')
        : [];
      sources.push({
        name: entry.name,
        writeKeyHash: hash,
        enabled: entry.enabled !== false,
        corsOrigins: origins,
      });
    });
  }
  if (sources.length === 0 && options.required !== false)
    throw new CliUsageError(
      'tributary serve: no write key configured. Set TRIBUTARY_WRITE_KEY=<key> (or TRIBUTARY_SOURCES; see tributary serve --help).',
    );
  return sources;
}

async function loadPlanDocument(file: string | undefined, io: CommandIo): Promise<PlanDocument> {
  const { cwd } = io;
  if (file?.endsWith('.json')) {
    const path = resolve(cwd, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new CliUsageError(`tributary serve: plan file ${path} does not exist. Check the --plan path.`);
    }
    return toPlanDocument(fromPlanDocument(JSON.parse(text)));
  }
  return toPlanDocument(await loadPlanModule(file, io));
}

async function ensureTables(
  warehouse: Warehouse,
  plan: PlanDocument,
  inMemory: boolean,
  io: CommandIo,
): Promise<boolean> {
  if (inMemory) await warehouse.exec(compileDdl(planToWarehouse(plan)));
  const [row] = await warehouse.query<{ present: boolean }>(
    "SELECT to_regclass('raw.events') IS NOT NULL AND to_regclass('raw.rejected') IS NOT NULL AS present",
  );
  if (row?.present) return true;
  io.stderr(
    'tributary serve: the warehouse has no raw.events/raw.rejected tables. Run tributary generate and tributary migrate first.\n',
  );
  return false;
}
