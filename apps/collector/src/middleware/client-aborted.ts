import type { Context } from 'hono';
import type { CollectorEnv } from '../collector-env.js';

/** Status counted and logged for a request whose client went away before sending it whole (nginx's 499). */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * True when the client closed the connection before its request was fully received (Node destroys
 * the request with an `ECONNRESET` "aborted" error). Whatever the handler then threw (an
 * unexpected read error, or `invalid_gzip` for a cut gzip stream), that is the client's doing,
 * not a server error, and the answer can no longer be delivered.
 */
export function clientAborted(c: Context<CollectorEnv>): boolean {
  const incoming = c.env?.incoming;
  if (!incoming || incoming.complete) return false;
  return (incoming.errored as NodeJS.ErrnoException | null)?.code === 'ECONNRESET';
}
