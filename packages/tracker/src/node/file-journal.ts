import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Priority } from '@tributary/schema';
import { TrackerError } from '../errors.js';
import type { StoredMessage } from '../message.js';
import type { Persistence } from '../persistence.js';
import { acquireLock } from './lock-file.js';

/**
 * When the journal calls fsync: `always` after every write (survives power loss, slowest),
 * `interval` at most every `fsyncIntervalMs` (default; a power loss can lose that window),
 * `never` (leave it to the OS). Every write reaches the OS before `track()` returns, so a
 * crashed or killed process never loses an accepted event under any policy.
 */
export type FsyncPolicy = 'always' | 'interval' | 'never';

export interface FileJournalOptions {
  readonly dir: string;
  readonly fsync?: FsyncPolicy;
  readonly fsyncIntervalMs?: number;
  readonly onWarning?: (message: string, error?: unknown) => void;
}

/** What reading a journal found. */
export interface JournalContents {
  /** Un-acknowledged messages in append order. */
  readonly messages: StoredMessage[];
  /** Lines that could not be parsed (a torn last line after a crash is expected, others are not). */
  readonly tornLastLine: boolean;
  readonly corruptLines: number;
}

const JOURNAL = 'journal.jsonl';

/**
 * Parses journal text: `{"p":priority,"id":…,"m":message}` lines append a message, `{"a":[ids]}`
 * lines acknowledge. Tolerates a torn (partially written) last line.
 */
export function readJournal(text: string): JournalContents {
  const live = new Map<string, StoredMessage>();
  const lines = text.split('\n');
  let tornLastLine = false;
  let corruptLines = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    let record: { p?: Priority; id?: string; m?: unknown; a?: string[] };
    try {
      record = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) tornLastLine = true;
      else corruptLines++;
      continue;
    }
    if (Array.isArray(record.a)) for (const id of record.a) live.delete(id);
    else if (typeof record.id === 'string' && record.m !== undefined && record.p !== undefined) {
      live.set(record.id, { id: record.id, priority: record.p, json: JSON.stringify(record.m) });
    } else corruptLines++;
  }
  return { messages: [...live.values()], tornLastLine, corruptLines };
}

function appendLine(message: StoredMessage): string {
  return (
    '{"p":"' + message.priority + '","id":' + JSON.stringify(message.id) + ',"m":' + message.json + '}\n'
  );
}

/**
 * Opens (or creates) an append-only journal in `dir`: accepted messages and acknowledgements are
 * appended as JSON lines; un-acknowledged messages are replayed by the next process. The directory
 * is locked to one process (`journal.lock`, taken over when its owner is dead).
 */
export function openFileJournal(
  options: FileJournalOptions,
): Persistence & { readonly path: string; readonly contents: JournalContents } {
  const fsync = options.fsync ?? 'interval';
  const warn = options.onWarning ?? ((message, error) => console.warn(message, error));
  mkdirSync(options.dir, { recursive: true });
  const releaseLock = acquireLock(join(options.dir, 'journal.lock'));
  const path = join(options.dir, JOURNAL);
  let contents: JournalContents;
  try {
    contents = readJournal(existsSync(path) ? readFileSync(path, 'utf8') : '');
  } catch (error) {
    releaseLock();
    throw new TrackerError(
      'journal_io',
      `Could not read the tracker journal ${path}: ${String(error)}. Check permissions.`,
      { path },
    );
  }
  if (contents.corruptLines > 0)
    warn(`@tributary/tracker: skipped ${contents.corruptLines} unreadable lines in ${path}`);
  // A torn last line would glue itself to the next append; start from a rewritten file instead.
  writeWhole(path, contents.messages);
  let fd: number | undefined = openSync(path, 'a');
  let dirty = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  if (fsync === 'interval') {
    timer = setInterval(() => sync(), options.fsyncIntervalMs ?? 1000);
    timer.unref();
  }

  function sync(): void {
    if (!dirty || fd === undefined) return;
    dirty = false;
    try {
      fsyncSync(fd);
    } catch (error) {
      warn(`@tributary/tracker: fsync of ${path} failed`, error);
    }
  }

  function write(text: string): void {
    if (fd === undefined) return;
    try {
      writeSync(fd, text);
      dirty = true;
      if (fsync === 'always') sync();
    } catch (error) {
      warn(`@tributary/tracker: could not write to ${path}; messages stay in memory only`, error);
    }
  }

  return {
    durable: true,
    path,
    contents,
    load: async () => contents.messages,
    append: (message) => write(appendLine(message)),
    ack: (ids) => {
      if (ids.length > 0) write('{"a":' + JSON.stringify(ids) + '}\n');
    },
    compact(live) {
      if (fd === undefined) return;
      try {
        sync();
        closeSync(fd);
        writeWhole(path, live);
      } catch (error) {
        warn(`@tributary/tracker: journal compaction of ${path} failed; the old journal is kept`, error);
      } finally {
        fd = openSync(path, 'a');
      }
    },
    async close() {
      if (timer !== undefined) clearInterval(timer);
      if (fd !== undefined) {
        dirty = true;
        sync();
        closeSync(fd);
        fd = undefined;
      }
      releaseLock();
    },
  };
}

/** Atomically replaces the journal with the given messages (write temp, fsync, rename). */
function writeWhole(path: string, messages: readonly StoredMessage[]): void {
  const temp = `${path}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    let chunk = '';
    for (const message of messages) {
      chunk += appendLine(message);
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (chunk !== '') writeSync(fd, chunk);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** Removes a journal directory's files (tests and tooling). */
export function removeJournal(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
