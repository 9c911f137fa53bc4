import type { MiddlewareHandler } from 'hono';
import { hashesEqual, hashKey } from '../auth/hash-key.js';
import type { CollectorEnv } from '../collector-env.js';
import { CollectorError } from '../errors/collector-error.js';

/**
 * Guards admin routes with the admin key: `Authorization: Bearer <key>`, Basic (`key:`), or
 * `X-Admin-Key`. Without a configured `adminKeyHash` every request is refused.
 */
export function adminAuth(
  options: { adminKeyHash?: string | undefined } = {},
): MiddlewareHandler<CollectorEnv> {
  const { adminKeyHash } = options;
  return async function adminAuthMiddleware(c, next) {
    const key = adminKeyOf(c.req.raw.headers);
    if (key === undefined)
      throw new CollectorError(
        'missing_admin_key',
        'This route needs the admin key: send Authorization: Bearer <admin key>.',
      );
    if (!adminKeyHash || !hashesEqual(hashKey(key), adminKeyHash.toLowerCase()))
      throw new CollectorError('invalid_admin_key', 'The admin key is not valid.');
    await next();
  };
}

function adminKeyOf(headers: Headers): string | undefined {
  const authorization = headers.get('authorization')?.trim();
  if (authorization && /^bearer\s+/i.test(authorization))
    return authorization.replace(/^bearer\s+/i, '') || undefined;
  if (authorization && /^basic\s+/i.test(authorization)) {
    const text = Buffer.from(authorization.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
    return text.split(':')[0] || undefined;
  }
  return headers.get('x-admin-key') || undefined;
}
