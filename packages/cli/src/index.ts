export { type Command, type CommandIo, EXIT } from './command.js';
export { commands } from './commands/index.js';
export { CliUsageError } from './errors.js';
export { loadPlanModule } from './load-plan.js';
export { cliVersion, main, usage } from './main.js';
export { type OptionSpec, type ParsedArgs, parseArgs } from './parse-args.js';
