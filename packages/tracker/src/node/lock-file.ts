import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { TrackerError } from '../errors.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes an exclusive lock file holding this process id; a lock left by a dead process (after a
 * crash or SIGKILL) is taken over. Returns the release function.
 */
export function acquireLock(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new TrackerError(
          'journal_locked',
          `The tracker journal ${path} is used by process ${owner}; give each tracker its own journal directory.`,
          { path, owner },
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new TrackerError('journal_locked', `Could not lock ${path}; another process keeps taking it.`, {
    path,
  });
}
