import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plan } from '@tributary/schema';
import type { CommandIo } from './command.js';
import { CliUsageError } from './errors.js';
import { importModule } from './import-module.js';
import { findConfigFile, loadConfig } from './load-config.js';

/**
 * Imports a plan module and returns its plan (default export or `plan`). Without `--plan`, the
 * plan named by the loaded config (or a `tributary.config.ts` found in `cwd`) is used. Errors say what to fix.
 */
export async function loadPlanModule(
  file: string | undefined,
  { cwd, config }: Pick<CommandIo, 'cwd' | 'config'>,
): Promise<Plan> {
  let path: string;
  if (file) {
    path = resolve(cwd, file);
    if (!existsSync(path))
      throw new CliUsageError(`tributary: plan file ${path} does not exist. Check the --plan path.`);
  } else if (config) {
    path = config.planPath;
  } else {
    const configFile = findConfigFile(undefined, cwd);
    if (!configFile) {
      throw new CliUsageError(
        'tributary: no plan given and no tributary.config.ts here. Pass --plan <file>, or run tributary init.',
      );
    }
    path = (await loadConfig(configFile)).planPath;
  }
  const mod = await importModule(path);
  const plan = (mod.default ?? mod.plan) as Plan | undefined;
  if (plan?.kind !== 'plan') {
    throw new CliUsageError(
      `tributary: ${path} exports no plan. Export the result of definePlan(...) as default or as "plan".`,
    );
  }
  return plan;
}
