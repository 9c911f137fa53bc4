import type { Priority } from '@tributary/schema';
import type { QueuedMessage } from '../message.js';

let seq = 0;

/**
 * A queued message with a given id and priority. Its JSON is padded to `bytes` when that is
 * possible, so byte budgets computed from `bytes` hold for the real text.
 */
export function queued(id: string, priority: Priority = 'normal', bytes = 40): QueuedMessage {
  seq++;
  const bare = 25 + id.length;
  const json = JSON.stringify({ messageId: id, pad: 'x'.repeat(Math.max(0, bytes - bare)) });
  return { id, priority, json, bytes, seq, attempts: 0 };
}
