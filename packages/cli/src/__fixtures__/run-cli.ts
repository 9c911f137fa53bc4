import { main } from '../main.js';

/** Runs the CLI in-process with captured output. */
export async function runCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined>; now?: () => number },
) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    cwd: options.cwd,
    env: options.env ?? {},
    ...(options.now ? { now: options.now } : {}),
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}
