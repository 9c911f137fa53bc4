import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../__fixtures__/run-cli.js';

const fixtures = resolve(import.meta.dirname, '../__fixtures__');
const initialPlan = join(fixtures, 'plan-initial.ts');
const finalPlan = join(fixtures, 'plan-final.ts');
const dirs: string[] = [];
function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-cli-generate-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('tributary generate', () => {
  it('writes the first migration and the snapshot into ./migrations, then nothing when unchanged', async () => {
    const cwd = workDir();
    const first = await runCli(['generate', '--plan', initialPlan], { cwd });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(
      /^migrations: wrote migrations\/0001_initial\.sql\nmigrations: wrote migrations\/snapshot\.json\n(code: wrote generated\/\S+\n)+database types: wrote generated\/database\.ts\nWrote \d+ file\(s\)\.\n$/,
    );
    expect(first.stdout).toContain(
      'code: wrote generated/tracking-plan.ts\ncode: wrote generated/validators.d.ts\ncode: wrote generated/validators.js\n',
    );
    expect(readdirSync(join(cwd, 'migrations')).sort()).toEqual(['0001_initial.sql', 'snapshot.json']);
    expect(readFileSync(join(cwd, 'migrations/0001_initial.sql'), 'utf8')).toMatch(/create table/i);

    const again = await runCli(['generate', '--plan', initialPlan], { cwd });
    expect(again).toEqual({
      code: 0,
      stdout:
        'migrations: up to date\ncode: up to date\ndatabase types: up to date\nNothing to generate: the plan did not change.\n',
      stderr: '',
    });
  });

  it('numbers the next migration, takes --name and --out', async () => {
    const cwd = workDir();
    await runCli(['generate', '--plan', initialPlan, '--out', 'db/migrations'], { cwd });
    const next = await runCli(
      ['generate', '--plan', finalPlan, '--out', 'db/migrations', '--name', 'Evolve plan!'],
      { cwd },
    );
    expect(next.code).toBe(0);
    expect(next.stdout).toContain('wrote db/migrations/0002_evolve_plan.sql');
  });

  it('--check lists missing and stale files and exits 1 without writing; exits 0 when up to date', async () => {
    const cwd = workDir();
    await runCli(['generate', '--plan', initialPlan], { cwd });
    const snapshotBefore = readFileSync(join(cwd, 'migrations/snapshot.json'), 'utf8');
    const stale = await runCli(['generate', '--plan', finalPlan, '--check'], { cwd });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(
      /^missing {2}migrations\/0002_[a-z0-9_]+\.sql {2}\(migrations\)\nstale {4}migrations\/snapshot\.json {2}\(migrations\)\n((missing|stale) +generated\/\S+ {2}\(code\)\n)+stale {4}generated\/database\.ts {2}\(database types\)\n$/,
    );
    expect(stale.stderr).toContain('Run tributary generate and commit the result');
    expect(readdirSync(join(cwd, 'migrations')).sort()).toEqual(['0001_initial.sql', 'snapshot.json']);
    expect(readFileSync(join(cwd, 'migrations/snapshot.json'), 'utf8')).toBe(snapshotBefore);

    const fresh = await runCli(['generate', '--plan', initialPlan, '--check'], { cwd });
    expect(fresh).toEqual({ code: 0, stdout: 'Generated files are up to date.\n', stderr: '' });
  });

  it('--check reports a hand-edited or missing generated code file; --code-out moves the code', async () => {
    const cwd = workDir();
    await runCli(['generate', '--plan', initialPlan, '--code-out', 'src/generated'], { cwd });
    const validators = join(cwd, 'src/generated/validators.js');
    writeFileSync(validators, `${readFileSync(validators, 'utf8')}// edited\n`);
    const schema = readdirSync(join(cwd, 'src/generated/schemas'))[0];
    rmSync(join(cwd, 'src/generated/schemas', String(schema)), { recursive: true });
    const check = await runCli(
      ['generate', '--plan', initialPlan, '--check', '--code-out', 'src/generated'],
      { cwd },
    );
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(
      /^(missing {2}src\/generated\/schemas\/\S+\.json {2}\(code\)\n)+stale {4}src\/generated\/validators\.js {2}\(code\)\n$/,
    );
    const fixed = await runCli(['generate', '--plan', initialPlan, '--code-out', 'src/generated'], { cwd });
    expect(fixed.stdout).toContain('code: wrote src/generated/validators.js\n');
    expect(
      await runCli(['generate', '--plan', initialPlan, '--check', '--code-out', 'src/generated'], { cwd }),
    ).toMatchObject({ code: 0 });
  });

  it('refuses a destructive change, naming the flag, and writes nothing', async () => {
    const cwd = workDir();
    await runCli(['generate', '--plan', finalPlan], { cwd });
    const files = readdirSync(join(cwd, 'migrations')).sort();
    const back = await runCli(['generate', '--plan', initialPlan], { cwd });
    expect(back.code).toBe(1);
    expect(back.stderr).toMatch(/^tributary generate: .*--allow-destructive/s);
    expect(readdirSync(join(cwd, 'migrations')).sort()).toEqual(files);
  });

  it('explains a missing --plan, a missing file, a corrupt snapshot and an unknown option', async () => {
    const cwd = workDir();
    expect(await runCli(['generate'], { cwd })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Pass --plan <file>'),
    });
    expect(await runCli(['generate', '--plan', 'nope.js'], { cwd })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('does not exist'),
    });
    expect(await runCli(['generate', '--plna', 'x'], { cwd })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown option "--plna"'),
    });
    await runCli(['generate', '--plan', initialPlan], { cwd });
    writeFileSync(join(cwd, 'migrations/snapshot.json'), '{');
    expect(await runCli(['generate', '--plan', finalPlan], { cwd })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('snapshot'),
    });
  });

  it('has help with examples', async () => {
    const help = await runCli(['generate', '--help'], { cwd: workDir() });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:\n  tributary generate --plan ./dist/plan.js');
  });
});
