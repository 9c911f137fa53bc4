import type { Command } from '../command.js';
import { planCommand } from './plan.js';

/** Every command, in the order `--help` lists them. Later commands add themselves here. */
export const commands: readonly Command[] = [planCommand];
