import type { ExperimentDefinition, FunnelSpec } from '@tributary/sql';
import { CliUsageError } from './errors.js';

/** One source of events (an app, a backend service); its write key comes from the environment. */
export interface SourceConfig {
  readonly name: string;
  /** The plain write key (read it from the environment with `env()`); the collector stores only its hash. */
  readonly writeKey: string;
  readonly enabled?: boolean;
  /** Browser origins allowed to send with this key (CORS). */
  readonly corsOrigins?: readonly string[];
}

/** `tributary.config.ts`: everything the commands need, in one typed place. */
export interface TributaryConfig {
  /** The plan module (exports `definePlan(...)` as default or `plan`), relative to the config file. */
  readonly plan: string;
  /** PostgreSQL URL; without one, an embedded database in `dataDir`. `DATABASE_URL` wins when set. */
  readonly databaseUrl?: string;
  /** The embedded database's directory (default `.tributary/data`). */
  readonly dataDir?: string;
  /** Generated migrations (default `migrations`). */
  readonly migrationsDir?: string;
  /** Generated client, validators and JSON Schemas (default `src/generated`). */
  readonly generatedDir?: string;
  readonly collector?: {
    readonly port?: number;
    readonly host?: string;
    readonly sources?: readonly SourceConfig[];
    /** Key for /metrics and admin routes. */
    readonly adminKey?: string;
    /** Anonymise `context.ip` (zero the last IPv4 octet / last 80 IPv6 bits). */
    readonly anonymizeIp?: boolean;
    /**
     * The address browsers reach the collector at (`https://collect.example.com`): the `apiHost`
     * of the analytics.js settings document. `TRIBUTARY_PUBLIC_URL` wins when set.
     */
    readonly publicUrl?: string;
    /**
     * Without `publicUrl`, the Host headers the settings document may name (`name` or `name:port`);
     * with neither, only loopback hosts (localhost, 127.0.0.1, [::1]). `TRIBUTARY_ALLOWED_HOSTS` wins.
     */
    readonly allowedHosts?: readonly string[];
  };
  readonly etl?: {
    readonly chunkSize?: number;
  };
  /**
   * The experiments `tributary experiment <key>` reads out, each declared with
   * `defineExperiment<typeof plan>({ key, variants, exposureEvent, metrics })`; keys are unique.
   */
  readonly experiments?: readonly ExperimentDefinition[];
  /** What `tributary report` shows besides the metrics. */
  readonly report?: {
    /** Funnels to chart, over the report's range and time zone. */
    readonly funnels?: ReadonlyArray<
      { readonly title?: string } & Omit<FunnelSpec, 'from' | 'to' | 'timeZone'>
    >;
    /** Keys of configured `experiments` to read out. */
    readonly experiments?: readonly string[];
  };
}

/** Types a `tributary.config.ts`. @example export default defineConfig({ plan: './src/tracking-plan.ts' }); */
export function defineConfig(config: TributaryConfig): TributaryConfig {
  return config;
}

/**
 * Reads a required environment variable when the config loads, with an error that says which
 * variable to set. Pass a fallback for development defaults.
 */
export function env(name: string, fallback?: string): string {
  const value = process.env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new CliUsageError(
    `tributary.config: the environment variable ${name} is not set. Set it (e.g. export ${name}=...) or give env('${name}', fallback) a fallback.`,
  );
}
