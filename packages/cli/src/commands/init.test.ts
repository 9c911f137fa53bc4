import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../command.js';
import { main } from '../main.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, '../../bin/tributary.js');
const repoNodeModules = resolve(here, '../../../../node_modules');

function capture(cwd: string): CommandIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, cwd, env: {}, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

function emptyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-init-'));
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'my-service', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  return dir;
}

describe('tributary init', () => {
  it('adds config, plan and scripts; then generate and migrate work as the README says', async () => {
    const dir = emptyProject();
    const io = capture(dir);
    expect(await main(['init'], io)).toBe(0);
    expect(existsSync(join(dir, 'tributary.config.ts'))).toBe(true);
    expect(existsSync(join(dir, 'src/tracking-plan.ts'))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.scripts['tributary:generate']).toBe('tributary generate');
    expect(pkg.scripts['tributary:migrate']).toBe('tributary migrate up');
    expect(pkg.dependencies['@tributary/schema']).toBeDefined();
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('.tributary/');
    expect(io.out.join('')).toContain('npm run tributary:generate');

    // Stand-in for `npm install`: the workspace's packages, as the registry would provide them.
    symlinkSync(repoNodeModules, join(dir, 'node_modules'), 'dir');
    const env = { ...process.env, DATABASE_URL: '', TRIBUTARY_DATA_DIR: '' };
    const generate = await run(process.execPath, [bin, 'generate'], { cwd: dir, env });
    expect(generate.stdout).toMatch(/0001_/);
    const migrations = readdirSync(join(dir, 'migrations')).filter((f) => f.endsWith('.sql'));
    expect(migrations).toHaveLength(1);
    expect(readFileSync(join(dir, 'migrations', migrations[0] as string), 'utf8')).toMatch(
      /create table "processed"\."signed_up"/i,
    );

    const migrate = await run(process.execPath, [bin, 'migrate', 'up'], { cwd: dir, env });
    expect(migrate.stdout).toMatch(/applied/i);
    const status = await run(process.execPath, [bin, 'migrate', 'status'], { cwd: dir, env });
    expect(status.stdout).toContain(`applied  ${migrations[0]}`);
    expect(status.stdout).toMatch(/1 applied, 0 pending/);
    expect(existsSync(join(dir, '.tributary', 'data'))).toBe(true);
  }, 120_000);

  it('refuses to run outside an npm project, and to overwrite without --force', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'tributary-init-bare-'));
    const io = capture(bare);
    expect(await main(['init'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/no package\.json in .*npm init -y first/);

    const dir = emptyProject();
    expect(await main(['init'], capture(dir))).toBe(0);
    const again = capture(dir);
    expect(await main(['init'], again)).toBe(2);
    expect(again.err.join('')).toMatch(
      /tributary\.config\.ts already exists\. Keep it, or run tributary init --force/,
    );
    expect(await main(['init', '--force'], capture(dir))).toBe(0);
  });

  it('names a broken package.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-init-broken-'));
    writeFileSync(join(dir, 'package.json'), '{ "name": ');
    const io = capture(dir);
    expect(await main(['init'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/package\.json is not valid JSON .*Fix it and run init again/);
  });
});
