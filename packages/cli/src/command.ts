import type { LoadedConfig } from './load-config.js';

/** Where a command writes; tests pass buffers. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `tributary.config.ts` of the project, when there is one (loaded by `main`). */
  readonly config?: LoadedConfig;
  /** The clock for default date ranges (`Date.now` when absent); tests pass a fixed time. */
  readonly now?: () => number;
}

/** One `tributary <name>` command. `run` returns the exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Full help: usage, options and examples. */
  readonly help: string;
  readonly run: (args: readonly string[], io: CommandIo) => Promise<number>;
}

/** Documented exit codes. */
export const EXIT = {
  ok: 0,
  /** The command ran and found a problem the user asked about (stale files, failed migration). */
  failure: 1,
  /** Wrong usage: unknown command or option, missing argument. */
  usage: 2,
} as const;
