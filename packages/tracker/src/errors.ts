import { TributaryError } from '@tributary/schema';

/** Stable error codes of @tributary/tracker. */
export type TrackerErrorCode =
  | 'invalid_event'
  | 'unknown_event'
  | 'invalid_options'
  | 'tracker_closed'
  | 'journal_locked'
  | 'journal_io';

/** Thrown for misuse of the tracker (bad options, events that break the plan with `onViolation: 'throw'`, …). */
export class TrackerError extends TributaryError {
  constructor(code: TrackerErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'TrackerError';
  }
}
