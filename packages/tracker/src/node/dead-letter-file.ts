import { appendFileSync } from 'node:fs';
import type { DeadLetterHandler } from '../dead-letter.js';

/**
 * A dead-letter handler that appends one JSON line per message to `path`:
 * `{"failedAt":…,"reason":{…},"message":{…}}`. Replay them with any Segment-compatible client.
 */
export function deadLetterFile(path: string, now: () => number = Date.now): DeadLetterHandler {
  return (messages, reason) => {
    const failedAt = new Date(now()).toISOString();
    appendFileSync(
      path,
      messages.map((message) => JSON.stringify({ failedAt, reason, message })).join('\n') + '\n',
    );
  };
}
