import { join } from 'node:path';
import type { DeadLetterHandler } from '../dead-letter.js';
import { memoryStorage } from '../key-value-storage.js';
import { Tracker } from '../tracker.js';
import type { AnyPlan, TrackerOptions } from '../tracker-options.js';
import type { ViolationPolicy } from '../validation.js';
import { deadLetterFile } from './dead-letter-file.js';
import { type FsyncPolicy, openFileJournal } from './file-journal.js';
import { fileStorage } from './file-storage.js';

/** Node options: a journal directory makes the queue durable across crashes and restarts. */
export interface NodeTrackerOptions<P extends AnyPlan> extends TrackerOptions<P> {
  /**
   * Directory for the append-only journal (`journal.jsonl`), the state file (`state.json`:
   * anonymousId, session) and the dead-letter file (`dead-letter.jsonl`). One process per directory.
   */
  readonly journalDir?: string;
  /** Default 'interval' (fsync at most every second). */
  readonly fsync?: FsyncPolicy;
  /** Where undeliverable messages are appended as JSON lines; default `<journalDir>/dead-letter.jsonl`. */
  readonly deadLetterFile?: string;
}

/** 'throw' in tests, 'off' in production, 'warn' otherwise (from NODE_ENV). */
export function defaultViolationPolicy(env: string | undefined = process.env.NODE_ENV): ViolationPolicy {
  return env === 'production' ? 'off' : env === 'test' ? 'throw' : 'warn';
}

/**
 * Creates a Node tracker typed by `plan`.
 *
 * @example
 * const tracker = createTracker({ plan, endpoint: 'http://localhost:8080', writeKey: 'key', journalDir: '.tributary' });
 * tracker.track('level_up', { level: 3 });
 * await tracker.close();
 */
export function createTracker<P extends AnyPlan>(options: NodeTrackerOptions<P>): Tracker<P> {
  const dir = options.journalDir;
  const persistence =
    options.persistence ??
    (dir === undefined
      ? undefined
      : openFileJournal({
          dir,
          fsync: options.fsync ?? 'interval',
          ...(options.onWarning ? { onWarning: options.onWarning } : {}),
        }));
  const filePath = options.deadLetterFile ?? (dir === undefined ? undefined : join(dir, 'dead-letter.jsonl'));
  const handlers = [
    options.onDeadLetter,
    filePath === undefined ? undefined : deadLetterFile(filePath),
  ].filter((h): h is DeadLetterHandler => h !== undefined);
  const onDeadLetter: DeadLetterHandler | undefined =
    handlers.length === 0
      ? undefined
      : (messages, reason) => {
          for (const handler of handlers) handler(messages, reason);
        };
  return new Tracker<P>({
    ...options,
    onViolation: options.onViolation ?? defaultViolationPolicy(),
    storage: options.storage ?? (dir === undefined ? memoryStorage() : fileStorage(join(dir, 'state.json'))),
    ...(persistence ? { persistence } : {}),
    ...(onDeadLetter ? { onDeadLetter } : {}),
  });
}
