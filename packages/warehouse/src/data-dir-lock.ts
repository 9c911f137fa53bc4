import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { dirname } from 'node:path';
import { WarehouseError } from './errors.js';

/** Who holds a data directory: written as JSON into the lock file. */
export interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
}

/** A held lock; `release` removes the lock file if it is still ours. */
export interface DataDirLock {
  readonly path: string;
  readonly owner: LockOwner;
  release(): void;
}

/** Injected process facts, so tests can simulate other owners. */
export interface LockEnvironment {
  readonly pid?: number;
  readonly hostname?: string;
  readonly now?: () => Date;
  readonly isAlive?: (pid: number) => boolean;
}

/** The lock file of a data directory: a sibling `<dataDir>.lock`, so PGlite's directory stays PostgreSQL's own. */
export function lockPathOf(dataDir: string): string {
  return `${dataDir.replace(/[\\/]+$/, '')}.lock`;
}

/**
 * Takes the data directory lock. A live owner → `data_dir_locked` naming its pid and host;
 * a lock left by a dead process on this host is taken over.
 */
export function acquireDataDirLock(dataDir: string, environment: LockEnvironment = {}): DataDirLock {
  const path = lockPathOf(dataDir);
  const owner: LockOwner = {
    pid: environment.pid ?? process.pid,
    hostname: environment.hostname ?? osHostname(),
    startedAt: (environment.now ?? (() => new Date()))().toISOString(),
  };
  const isAlive = environment.isAlive ?? processIsAlive;
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, owner)) return heldLock(path, owner);
    const current = readOwner(path);
    if (current === undefined) continue;
    if (current === 'unreadable') {
      throw new WarehouseError(
        'data_dir_lock_unreadable',
        `The lock file ${path} of data directory ${dataDir} is not readable JSON. If no tributary process is using ${dataDir}, delete ${path} and retry.`,
        { path, dataDir },
      );
    }
    const stale = current.hostname === owner.hostname && !isAlive(current.pid);
    if (!stale) {
      throw new WarehouseError(
        'data_dir_locked',
        `Data directory ${dataDir} is in use by process ${current.pid} on ${current.hostname} (since ${current.startedAt}). ` +
          'An embedded database has exactly one owner: stop that process, or connect through it (tributary serve exposes a PostgreSQL socket), or set DATABASE_URL.',
        { path, dataDir, owner: current },
      );
    }
    removeIfUnchanged(path, current);
  }
  throw new WarehouseError(
    'data_dir_locked',
    `Could not take the lock ${path} of data directory ${dataDir}: it keeps changing owner. Retry.`,
    { path, dataDir },
  );
}

function heldLock(path: string, owner: LockOwner): DataDirLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    const current = readOwner(path);
    if (typeof current === 'object' && current.pid === owner.pid && current.startedAt === owner.startedAt)
      unlinkSync(path);
  };
  process.on('exit', release);
  return { path, owner, release };
}

function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readOwner(path: string): LockOwner | 'unreadable' | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (
      typeof value.pid === 'number' &&
      typeof value.hostname === 'string' &&
      typeof value.startedAt === 'string'
    ) {
      return { pid: value.pid, hostname: value.hostname, startedAt: value.startedAt };
    }
  } catch {
    // falls through: a lock we cannot read is reported, never silently taken over
  }
  return 'unreadable';
}

function removeIfUnchanged(path: string, seen: LockOwner): void {
  const current = readOwner(path);
  if (typeof current !== 'object' || current.pid !== seen.pid || current.startedAt !== seen.startedAt) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
