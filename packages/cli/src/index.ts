export { type Command, type CommandIo, EXIT } from './command.js';
export { commands } from './commands/index.js';
export { defineConfig, env, type SourceConfig, type TributaryConfig } from './define-config.js';
export { defineExperiment, type ExperimentDefinition } from '@tributary/sql';
export { CliUsageError } from './errors.js';
export { CONFIG_FILES, findConfigFile, type LoadedConfig, loadConfig } from './load-config.js';
export { loadPlanModule } from './load-plan.js';
export { cliVersion, main, usage } from './main.js';
export { type OptionSpec, type ParsedArgs, parseArgs } from './parse-args.js';
