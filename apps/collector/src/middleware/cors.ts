import type { Context, MiddlewareHandler } from 'hono';
import { originAllowed, type Source, type SourceRegistry } from '../auth/source-registry.js';
import type { CollectorEnv } from '../collector-env.js';
import { CollectorError } from '../errors/collector-error.js';

const ALLOWED_HEADERS = 'Content-Type, Authorization, X-Write-Key, Content-Encoding, X-Request-Id';

/**
 * Answers CORS preflights: a preflight carries no write key, so an origin passes when any enabled
 * source allows it; the real request is then checked against its own source (`assertOrigin`).
 */
export function corsPreflight(options: { registry: SourceRegistry }): MiddlewareHandler<CollectorEnv> {
  const { registry } = options;
  return async function corsPreflightMiddleware(c, next) {
    if (c.req.method !== 'OPTIONS') return next();
    const origin = c.req.header('origin');
    if (!origin || !registry.anyAllowsOrigin(origin))
      throw new CollectorError(
        'origin_not_allowed',
        `Origin ${origin ?? '(none)'} is not allowed by any source's corsOrigins.`,
      );
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    c.header('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    c.header('Access-Control-Max-Age', '86400');
    c.header('Vary', 'Origin');
    return c.body(null, 204);
  };
}

/** Refuses a browser request whose origin the source does not list; allows it in the response otherwise. */
export function assertOrigin(c: Context<CollectorEnv>, source: Source): void {
  const origin = c.req.header('origin');
  if (origin === undefined) return;
  if (!originAllowed(source, origin))
    throw new CollectorError(
      'origin_not_allowed',
      `Origin ${origin} is not in the corsOrigins of source "${source.name}".`,
    );
  c.header('Access-Control-Allow-Origin', origin);
  c.header('Vary', 'Origin');
}
