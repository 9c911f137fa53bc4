import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plan } from '@tributary/schema';
import { CliUsageError } from './errors.js';

/** Imports a plan module and returns its plan (default export or `plan`), with errors that say what to fix. */
export async function loadPlanModule(file: string | undefined, cwd: string): Promise<Plan> {
  if (!file)
    throw new CliUsageError(
      'tributary: no plan given. Pass --plan <file> (a module that exports definePlan(...)).',
    );
  const path = resolve(cwd, file);
  if (!existsSync(path))
    throw new CliUsageError(`tributary: plan file ${path} does not exist. Check the --plan path.`);
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const plan = (mod.default ?? mod.plan) as Plan | undefined;
  if (plan?.kind !== 'plan') {
    throw new CliUsageError(
      `tributary: ${path} exports no plan. Export the result of definePlan(...) as default or as "plan".`,
    );
  }
  return plan;
}
