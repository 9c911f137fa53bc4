import type { Command } from '../command.js';
import { etlCommand } from './etl.js';
import { experimentCommand } from './experiment.js';
import { funnelCommand } from './funnel.js';
import { generateCommand } from './generate.js';
import { initCommand } from './init.js';
import { loadCommand } from './load.js';
import { metricsCommand } from './metrics.js';
import { migrateCommand } from './migrate.js';
import { planCommand } from './plan.js';
import { reportCommand } from './report.js';
import { serveCommand } from './serve.js';

/** Every command, in the order `--help` lists them. Later commands add themselves here. */
export const commands: readonly Command[] = [
  initCommand,
  planCommand,
  generateCommand,
  migrateCommand,
  serveCommand,
  loadCommand,
  etlCommand,
  metricsCommand,
  funnelCommand,
  experimentCommand,
  reportCommand,
];
