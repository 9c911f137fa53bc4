import { CliUsageError } from './errors.js';

export interface OptionSpec {
  readonly type: 'boolean' | 'string';
  readonly short?: string;
  readonly multiple?: boolean;
}

export interface ParsedArgs {
  readonly options: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

/** Parses `--name value`, `--name=value`, `--flag`, `-f`; unknown options are usage errors naming the option. */
export function parseArgs(
  command: string,
  args: readonly string[],
  spec: Readonly<Record<string, OptionSpec>>,
): ParsedArgs {
  const options: Record<string, string | boolean | string[] | undefined> = {};
  const positionals: string[] = [];
  const shorts = new Map(
    Object.entries(spec).flatMap(([name, s]) => (s.short ? [[s.short, name] as const] : [])),
  );
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const [rawName, inline] = arg.startsWith('--')
      ? splitOnce(arg.slice(2))
      : [shorts.get(arg.slice(1)) ?? arg.slice(1), undefined];
    const name = rawName;
    const option = spec[name];
    if (!option) {
      const known = Object.keys(spec)
        .map((k) => `--${k}`)
        .join(', ');
      throw new CliUsageError(
        `tributary ${command}: unknown option "${arg}". Known options: ${known || 'none'}. See tributary ${command} --help.`,
      );
    }
    if (option.type === 'boolean') {
      if (inline !== undefined)
        throw new CliUsageError(
          `tributary ${command}: --${name} takes no value (got "${inline}"); write --${name} alone.`,
        );
      options[name] = true;
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined)
      throw new CliUsageError(
        `tributary ${command}: --${name} needs a value. See tributary ${command} --help.`,
      );
    if (option.multiple) options[name] = [...((options[name] as string[] | undefined) ?? []), value];
    else options[name] = value;
  }
  return { options, positionals };
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
