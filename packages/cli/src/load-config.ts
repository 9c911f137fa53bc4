import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { TributaryConfig } from './define-config.js';
import { CliUsageError } from './errors.js';
import { importModule } from './import-module.js';

export const CONFIG_FILES = [
  'tributary.config.ts',
  'tributary.config.mts',
  'tributary.config.js',
  'tributary.config.mjs',
] as const;

/** A loaded config with paths resolved against the config file's directory. */
export interface LoadedConfig {
  readonly file: string;
  readonly root: string;
  readonly config: TributaryConfig;
  /** Absolute path of the plan module. */
  readonly planPath: string;
}

/** Finds the config file: `--config`, else the first of CONFIG_FILES in `cwd`; undefined when none. */
export function findConfigFile(flag: string | undefined, cwd: string): string | undefined {
  if (flag) {
    const path = resolve(cwd, flag);
    if (!existsSync(path))
      throw new CliUsageError(
        `tributary: config file ${path} does not exist. Check --config, or run tributary init.`,
      );
    return path;
  }
  return CONFIG_FILES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
}

/** Loads and checks a config file; every error names the file, the field and the fix. */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(file);
  } catch (error) {
    if (error instanceof CliUsageError) throw error;
    throw new CliUsageError(`tributary: could not load ${file}: ${(error as Error).message}`);
  }
  const config = (mod.default ?? mod.config) as TributaryConfig | undefined;
  if (typeof config !== 'object' || config === null) {
    throw new CliUsageError(
      `tributary: ${file} has no default export. Write: export default defineConfig({ plan: './src/tracking-plan.ts' });`,
    );
  }
  if (typeof config.plan !== 'string' || config.plan === '') {
    throw new CliUsageError(
      `tributary: ${file}: "plan" must be the path of your plan module, e.g. plan: './src/tracking-plan.ts'.`,
    );
  }
  const root = dirname(file);
  const planPath = resolve(root, config.plan);
  if (!existsSync(planPath)) {
    throw new CliUsageError(
      `tributary: ${file}: plan "${config.plan}" does not exist (looked for ${planPath}). Fix the path in the config.`,
    );
  }
  const port = config.collector?.port;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new CliUsageError(
      `tributary: ${file}: collector.port must be an integer from 0 to 65535, got ${JSON.stringify(port)}.`,
    );
  }
  for (const [i, source] of (config.collector?.sources ?? []).entries()) {
    if (typeof source.name !== 'string' || !/^[a-z][a-z0-9_-]*$/.test(source.name)) {
      throw new CliUsageError(
        `tributary: ${file}: collector.sources[${i}].name must be a lower-case name like "game", got ${JSON.stringify(source.name)}.`,
      );
    }
    if (typeof source.writeKey !== 'string' || source.writeKey.length < 8) {
      throw new CliUsageError(
        `tributary: ${file}: collector.sources[${i}] ("${source.name}") needs a writeKey of at least 8 characters; read it from the environment: writeKey: env('TRIBUTARY_WRITE_KEY').`,
      );
    }
  }
  checkExperiments(file, config);
  return { file, root, config, planPath };
}

/** Experiment keys are unique, and the report names only configured ones (the definitions are checked against the plan when they run). */
function checkExperiments(file: string, config: TributaryConfig): void {
  const experiments: unknown = config.experiments ?? [];
  if (!Array.isArray(experiments))
    throw new CliUsageError(
      `tributary: ${file}: "experiments" must be a list, e.g. experiments: [defineExperiment({ key: 'starter-pack', … })].`,
    );
  const keys: string[] = [];
  for (const [i, experiment] of experiments.entries()) {
    const key: unknown = (experiment as { key?: unknown } | null)?.key;
    if (typeof key !== 'string' || key === '')
      throw new CliUsageError(
        `tributary: ${file}: experiments[${i}] needs a key (the value of its exposure event's experiment property), e.g. key: 'starter-pack'.`,
      );
    if (keys.includes(key))
      throw new CliUsageError(
        `tributary: ${file}: experiments[${i}] reuses the key "${key}"; give each experiment its own key.`,
      );
    keys.push(key);
  }
  for (const [i, key] of (config.report?.experiments ?? []).entries())
    if (!keys.includes(key))
      throw new CliUsageError(
        `tributary: ${file}: report.experiments[${i}] is "${key}", which is not a configured experiment (${keys.join(', ') || 'none configured'}); add it to experiments or fix the key.`,
      );
}
