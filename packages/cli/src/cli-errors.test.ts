import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './__fixtures__/run-cli.js';

function dir(files: Record<string, string> = {}): string {
  const cwd = mkdtempSync(join(tmpdir(), 'tributary-cli-errors-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(cwd, name), content);
  return cwd;
}

/** Each case: the arguments, the exit code, and what the message must say (the problem, then the fix). */
const cases: [
  label: string,
  args: string[],
  files: Record<string, string>,
  code: number,
  problem: RegExp,
  fix: RegExp,
][] = [
  ['no command', [], {}, 2, /Usage: tributary <command>/, /Commands:/],
  ['unknown command', ['generat'], {}, 2, /unknown command "generat"/, /Run tributary --help/],
  [
    'unknown option',
    ['plan', '--plna', 'x.mjs'],
    {},
    2,
    /unknown option "--plna"/,
    /Known options: --plan\. See tributary plan --help/,
  ],
  [
    'option without its value',
    ['plan', '--plan'],
    {},
    2,
    /--plan needs a value/,
    /See tributary plan --help/,
  ],
  [
    'value given to a flag',
    ['generate', '--check=yes', '--plan', 'p.mjs'],
    {},
    2,
    /--check takes no value \(got "yes"\)/,
    /write --check alone/,
  ],
  [
    '--config without a file',
    ['plan', '--config'],
    {},
    2,
    /--config needs a file/,
    /e\.g\. --config \.\/tributary\.config\.ts/,
  ],
  [
    '--config that does not exist',
    ['plan', '--config', 'nope.ts'],
    {},
    2,
    /config file .*nope\.ts does not exist/,
    /Check --config, or run tributary init/,
  ],
  [
    'no plan and no config',
    ['plan'],
    {},
    2,
    /no plan given and no tributary\.config\.ts here/,
    /Pass --plan <file>, or run tributary init/,
  ],
  [
    'plan file missing',
    ['plan', '--plan', 'missing.mjs'],
    {},
    2,
    /plan file .*missing\.mjs does not exist/,
    /Check the --plan path/,
  ],
  [
    'module exports no plan',
    ['plan', '--plan', 'empty.mjs'],
    { 'empty.mjs': 'export const x = 1;' },
    2,
    /empty\.mjs exports no plan/,
    /Export the result of definePlan\(\.\.\.\) as default or as "plan"/,
  ],
  [
    'config whose plan is missing',
    ['plan'],
    { 'tributary.config.mjs': "export default { plan: './src/plan.ts' };" },
    2,
    /plan "\.\/src\/plan\.ts" does not exist/,
    /Fix the path in the config/,
  ],
  [
    'report with a bad day',
    ['report', '--out', 'r.html', '--to', '31/03/2026'],
    {},
    2,
    /--to must be a day YYYY-MM-DD \(got "31\/03\/2026"\)/,
    /e\.g\. --to 2026-03-31/,
  ],
  [
    'report with a bad first day',
    ['report', '--out', 'r.html', '--from', 'March', '--to', '2026-03-31'],
    {},
    2,
    /--from must be a day YYYY-MM-DD \(got "March"\)/,
    /e\.g\. --from 2026-03-01/,
  ],
];

describe('CLI errors name the problem and the fix', () => {
  it.each(cases)('%s', async (_label, args, files, code, problem, fix) => {
    const result = await runCli(args, { cwd: dir(files) });
    expect(result.code).toBe(code);
    const message = result.stderr || result.stdout;
    expect(message).toMatch(problem);
    expect(message).toMatch(fix);
  });

  it('a plan that breaks a definition rule exits 1 naming the event, the path and the rule', async () => {
    const result = await runCli(
      ['plan', '--plan', join(import.meta.dirname, '__fixtures__', 'plan-bad-name.ts')],
      { cwd: dir() },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /tributary plan: event "sign_up" v1: userName: property name "userName" must match .* try "user_name"/,
    );
  });
});
