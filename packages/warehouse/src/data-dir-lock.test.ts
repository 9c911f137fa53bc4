import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from './connect.js';
import { acquireDataDirLock, lockPathOf } from './data-dir-lock.js';

const root = mkdtempSync(join(tmpdir(), 'tributary-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const newDataDir = () => join(root, `data-${++counter}`);

describe('acquireDataDirLock', () => {
  it('writes pid, hostname and start time, and removes the file on release', () => {
    const dataDir = newDataDir();
    const lock = acquireDataDirLock(dataDir, {
      pid: 4242,
      hostname: 'box',
      now: () => new Date('2026-01-01T00:00:00Z'),
    });
    expect(lock.path).toBe(`${dataDir}.lock`);
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toEqual({
      pid: 4242,
      hostname: 'box',
      startedAt: '2026-01-01T00:00:00.000Z',
    });
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('refuses a second owner while the first is alive, naming its pid and host', () => {
    const dataDir = newDataDir();
    const first = acquireDataDirLock(dataDir, { pid: 111, hostname: 'box' });
    expect(() =>
      acquireDataDirLock(dataDir, { pid: 222, hostname: 'box', isAlive: (pid) => pid === 111 }),
    ).toThrow(
      expect.objectContaining({
        code: 'data_dir_locked',
        message: expect.stringMatching(/in use by process 111 on box/),
      }),
    );
    first.release();
  });

  it('takes over a lock whose owner is dead on this host', () => {
    const dataDir = newDataDir();
    acquireDataDirLock(dataDir, { pid: 111, hostname: 'box' });
    const second = acquireDataDirLock(dataDir, { pid: 222, hostname: 'box', isAlive: () => false });
    expect(JSON.parse(readFileSync(lockPathOf(dataDir), 'utf8')).pid).toBe(222);
    second.release();
  });

  it('never takes over a lock held on another host (its pid cannot be checked here)', () => {
    const dataDir = newDataDir();
    acquireDataDirLock(dataDir, { pid: 111, hostname: 'other-host' });
    expect(() => acquireDataDirLock(dataDir, { pid: 222, hostname: 'box', isAlive: () => false })).toThrow(
      /process 111 on other-host/,
    );
  });

  it('reports an unreadable lock file with the fix instead of guessing', () => {
    const dataDir = newDataDir();
    writeFileSync(lockPathOf(dataDir), 'garbage');
    expect(() => acquireDataDirLock(dataDir)).toThrow(
      expect.objectContaining({
        code: 'data_dir_lock_unreadable',
        message: expect.stringContaining('delete'),
      }),
    );
  });

  it('release leaves a lock alone that another owner has taken over', () => {
    const dataDir = newDataDir();
    const first = acquireDataDirLock(dataDir, { pid: 111, hostname: 'box' });
    acquireDataDirLock(dataDir, { pid: 222, hostname: 'box', isAlive: () => false });
    first.release();
    expect(JSON.parse(readFileSync(lockPathOf(dataDir), 'utf8')).pid).toBe(222);
  });
});

describe('embedded data directory across processes', () => {
  const outDir = resolve(import.meta.dirname, '../../../node_modules/.cache/tributary-warehouse-lock-test');
  const childScript = join(outDir, 'lock-child.mjs');
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // The child runs the real connect() from src, bundled to plain JS (Node 20 cannot run .ts).
    await build({
      configFile: false,
      logLevel: 'warn',
      root: resolve(import.meta.dirname, '..'),
      resolve: { conditions: ['@tributary/source'] },
      ssr: { noExternal: [/^@tributary\//], resolve: { conditions: ['@tributary/source'] } },
      build: {
        ssr: 'src/__fixtures__/lock-child.ts',
        outDir,
        emptyOutDir: true,
        minify: false,
        rollupOptions: { output: { format: 'es', entryFileNames: 'lock-child.mjs' } },
      },
    });
  });
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  function runChild(dataDir: string, mode: 'once' | 'hold' = 'once') {
    const child = spawn(process.execPath, [childScript, dataDir, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    return { child, exited, output: () => stdout };
  }

  it('a second process gets data_dir_locked naming the owner pid; after close it can open', async () => {
    const dataDir = newDataDir();
    const owner = await connect(undefined, { dataDir });
    try {
      const refused = runChild(dataDir);
      expect(await refused.exited).toBe(3);
      const error = JSON.parse(refused.output()) as { code: string; message: string };
      expect(error.code).toBe('data_dir_locked');
      expect(error.message).toContain(`in use by process ${process.pid}`);
      expect(await owner.query('SELECT 1 AS still_fine')).toEqual([{ still_fine: 1 }]);
    } finally {
      await owner.close();
    }
    const after = runChild(dataDir);
    expect(await after.exited).toBe(0);
    expect(after.output()).toBe('opened\n');
  });

  it('the data survives a reopen, and a lock left by a killed process is taken over', async () => {
    const dataDir = newDataDir();
    const first = await connect(undefined, { dataDir });
    await first.exec('CREATE TABLE kept (x int); INSERT INTO kept VALUES (42);');
    await first.close();

    const holder = runChild(dataDir, 'hold');
    await expect.poll(holder.output, { timeout: 30_000 }).toBe('opened\n');
    holder.child.kill('SIGKILL');
    await holder.exited;
    expect(JSON.parse(readFileSync(lockPathOf(dataDir), 'utf8')).pid).toBe(holder.child.pid);

    const reopened = await connect(undefined, { dataDir });
    try {
      expect(JSON.parse(readFileSync(lockPathOf(dataDir), 'utf8')).pid).toBe(process.pid);
      expect(await reopened.query('SELECT x FROM kept')).toEqual([{ x: 42 }]);
    } finally {
      await reopened.close();
    }
    expect(existsSync(lockPathOf(dataDir))).toBe(false);
  });

  it('reads TRIBUTARY_DATA_DIR when no data directory is given', async () => {
    const dataDir = newDataDir();
    const warehouse = await connect(undefined, { env: { TRIBUTARY_DATA_DIR: dataDir } });
    try {
      expect(warehouse.location).toBe(dataDir);
      expect(existsSync(lockPathOf(dataDir))).toBe(true);
    } finally {
      await warehouse.close();
    }
  });
});
