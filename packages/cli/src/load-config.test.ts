import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { env } from './define-config.js';
import { CliUsageError } from './errors.js';
import { findConfigFile, loadConfig } from './load-config.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-config-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

async function failure(dir: string): Promise<string> {
  const file = findConfigFile(undefined, dir) as string;
  const error = await loadConfig(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliUsageError);
  return (error as Error).message;
}

describe('config loading', () => {
  it('loads a TypeScript config and resolves the plan against it', async () => {
    const dir = project({
      'tributary.config.mjs': "export default { plan: './plan.mjs', collector: { port: 9000 } };",
      'plan.mjs': 'export default {};',
    });
    const loaded = await loadConfig(findConfigFile(undefined, dir) as string);
    expect(loaded.planPath).toBe(join(dir, 'plan.mjs'));
    expect(loaded.config.collector?.port).toBe(9000);
    const ts = project({
      'tributary.config.ts':
        "const port: number = 9100;\nexport default { plan: './p.ts', collector: { port } };",
      'p.ts': 'export {};',
    });
    expect((await loadConfig(findConfigFile(undefined, ts) as string)).config.collector?.port).toBe(9100);
  });

  it('names the file, the field and the fix', async () => {
    expect(await failure(project({ 'tributary.config.mjs': 'export const x = 1;' }))).toMatch(
      /has no default export\. Write: export default defineConfig/,
    );
    expect(await failure(project({ 'tributary.config.mjs': 'export default { plan: 3 };' }))).toMatch(
      /"plan" must be the path of your plan module/,
    );
    expect(
      await failure(project({ 'tributary.config.mjs': "export default { plan: './missing.ts' };" })),
    ).toMatch(/plan "\.\/missing\.ts" does not exist \(looked for .*missing\.ts\)\. Fix the path/);
    expect(
      await failure(
        project({
          'tributary.config.mjs': "export default { plan: './p.mjs', collector: { port: 70000 } };",
          'p.mjs': '',
        }),
      ),
    ).toMatch(/collector\.port must be an integer from 0 to 65535, got 70000/);
    expect(
      await failure(
        project({
          'tributary.config.mjs':
            "export default { plan: './p.mjs', collector: { sources: [{ name: 'app', writeKey: 'short' }] } };",
          'p.mjs': '',
        }),
      ),
    ).toMatch(
      /collector\.sources\[0\] \("app"\) needs a writeKey of at least 8 characters; read it from the environment/,
    );
    const experiments = (fields: string) =>
      failure(
        project({ 'tributary.config.mjs': `export default { plan: './p.mjs', ${fields} };`, 'p.mjs': '' }),
      );
    expect(await experiments("experiments: [{ key: 'a' }, { variants: [] }]")).toMatch(
      /experiments\[1\] needs a key \(the value of its exposure event's experiment property\), e\.g\. key: 'starter-pack'\./,
    );
    expect(await experiments("experiments: [{ key: 'a' }, { key: 'a' }]")).toMatch(
      /experiments\[1\] reuses the key "a"; give each experiment its own key\./,
    );
    expect(await experiments("experiments: [{ key: 'a' }], report: { experiments: ['a', 'b'] }")).toMatch(
      /report\.experiments\[1\] is "b", which is not a configured experiment \(a\); add it to experiments or fix the key\./,
    );
    expect(await experiments("experiments: { key: 'a' }")).toMatch(/"experiments" must be a list/);
    expect(await failure(project({ 'tributary.config.mjs': 'export default { plan: ' }))).toMatch(
      /could not load .*tributary\.config\.mjs/,
    );
    expect(() => findConfigFile('nope.ts', project({}))).toThrow(
      /config file .*nope\.ts does not exist\. Check --config, or run tributary init/,
    );
  });

  it('env() reads the environment or names the variable to set', () => {
    process.env.TRIBUTARY_TEST_VALUE = 'x';
    expect(env('TRIBUTARY_TEST_VALUE')).toBe('x');
    expect(env('TRIBUTARY_TEST_MISSING', 'fallback')).toBe('fallback');
    expect(() => env('TRIBUTARY_TEST_MISSING')).toThrow(
      /TRIBUTARY_TEST_MISSING is not set\. Set it \(e\.g\. export TRIBUTARY_TEST_MISSING=/,
    );
  });
});
