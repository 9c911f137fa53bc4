import { readFileSync } from 'node:fs';
import { TributaryError } from '@tributary/schema';
import { type Command, type CommandIo, EXIT } from './command.js';
import { commands } from './commands/index.js';
import { CliUsageError } from './errors.js';
import { findConfigFile, loadConfig } from './load-config.js';

/** The version of this package, read from its package.json. */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'tributary — typed event definitions to a whole product-analytics pipeline',
    '',
    'Usage: tributary <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show help (also: tributary <command> --help)',
    '  -v, --version  print the version',
    '  --config <f>   the config file (default: tributary.config.ts in the current directory)',
    '',
    'Exit codes: 0 success, 1 the command found a problem (see its message), 2 wrong usage.',
    '',
  ].join('\n');
}

const defaultIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
};

/** Runs the CLI with the given arguments; returns the exit code. */
export async function main(args: readonly string[], io: CommandIo = defaultIo): Promise<number> {
  const [first, ...rest] = args;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    const command = topic ? commands.find((c) => c.name === topic) : undefined;
    io.stdout(command ? command.help : usage());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '-v' || first === '--version') {
    io.stdout(`${cliVersion()}\n`);
    return EXIT.ok;
  }
  const command: Command | undefined = commands.find((c) => c.name === first);
  if (!command) {
    io.stderr(
      `tributary: unknown command "${first}". Commands: ${commands.map((c) => c.name).join(', ')}. Run tributary --help.\n`,
    );
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.help);
    return EXIT.ok;
  }
  try {
    const { args: commandArgs, configFlag } = takeConfigFlag(rest);
    const configFile = command.name === 'init' ? undefined : findConfigFile(configFlag, io.cwd);
    const commandIo = configFile ? { ...io, config: await loadConfig(configFile) } : io;
    return await command.run(commandArgs, commandIo);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.stderr(`${error.message}\n`);
      return EXIT.usage;
    }
    if (TributaryError.isInstance(error)) {
      io.stderr(`tributary ${command.name}: ${error.message}\n`);
      return EXIT.failure;
    }
    throw error;
  }
}

/** `--config <file>` works before or after any command's own options; it is removed before the command parses. */
function takeConfigFlag(args: readonly string[]): { args: string[]; configFlag: string | undefined } {
  const out: string[] = [];
  let configFlag: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--config') {
      configFlag = args[++i];
      if (configFlag === undefined)
        throw new CliUsageError('tributary: --config needs a file, e.g. --config ./tributary.config.ts.');
    } else if (arg.startsWith('--config=')) configFlag = arg.slice('--config='.length);
    else out.push(arg);
  }
  return { args: out, configFlag };
}
