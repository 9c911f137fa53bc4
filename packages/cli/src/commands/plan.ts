import { stableStringify, toPlanDocument } from '@tributary/schema';
import type { Command } from '../command.js';
import { loadPlanModule } from '../load-plan.js';
import { parseArgs } from '../parse-args.js';

export const planCommand: Command = {
  name: 'plan',
  summary: 'print the plan document (JSON Schema IR) of a plan module',
  help: `Usage: tributary plan --plan <file>

Loads a plan module (its default export, or an export named "plan", from definePlan) and prints
its plan document: one JSON Schema 2020-12 per event version, keys sorted.

Options:
  --plan <file>  the plan module (.js/.mjs, or .ts when run with a TypeScript loader)

Examples:
  tributary plan --plan ./dist/plan.js > plan.json
`,
  async run(args, io) {
    const { options } = parseArgs('plan', args, { plan: { type: 'string' } });
    const plan = await loadPlanModule(options.plan as string | undefined, io);
    io.stdout(stableStringify(toPlanDocument(plan)));
    return 0;
  },
};
