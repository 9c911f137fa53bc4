import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { CollectorEnv } from '../collector-env.js';
import { CLIENT_CLOSED_REQUEST, clientAborted } from './client-aborted.js';

/**
 * Gives each request an id (a sane incoming `X-Request-Id`, else a generated one), echoes it in
 * the response, and puts a child logger carrying it in `c.var.logger`. Logs and counts each response;
 * a request the client abandoned mid-body counts as 499 and is logged at info, never as a 500.
 */
export function requestId(options: {
  logger: Logger;
  generateId: () => string;
  onResponse?: (status: number) => void;
}): MiddlewareHandler<CollectorEnv> {
  const { logger, generateId, onResponse } = options;
  return async function requestIdMiddleware(c, next) {
    const incoming = c.req.header('x-request-id');
    const id = incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : generateId();
    const log = logger.child({ requestId: id });
    c.set('requestId', id);
    c.set('logger', log);
    // Set before the handler builds its response: setting a header on a finished response makes
    // the Node adapter materialise a full web Response, measurably slower per request.
    c.header('X-Request-Id', id);
    const started = performance.now();
    await next();
    const aborted = clientAborted(c);
    const status = aborted ? CLIENT_CLOSED_REQUEST : c.res.status;
    onResponse?.(status);
    const entry = {
      method: c.req.method,
      path: loggablePath(c.req.path),
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    if (aborted) log.info(entry, 'client closed the request before sending it whole');
    else if (status >= 500) log.error(entry, 'request failed');
    else if (status >= 400) log.info(entry, 'request refused');
    else log.debug(entry, 'request');
  };
}

/** The settings path carries a write key (`/v1/projects/<key>/settings`): logs get a placeholder. */
function loggablePath(path: string): string {
  return path.replace(/^(\/+v1\/+projects\/+)[^/]+/i, '$1:writeKey');
}
