import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { CollectorEnv } from '../collector-env.js';

/**
 * Gives each request an id (a sane incoming `X-Request-Id`, else a generated one), echoes it in
 * the response, and puts a child logger carrying it in `c.var.logger`. Logs and counts each response.
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
    const status = c.res.status;
    onResponse?.(status);
    const entry = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    if (status >= 500) log.error(entry, 'request failed');
    else if (status >= 400) log.info(entry, 'request refused');
    else log.debug(entry, 'request');
  };
}
