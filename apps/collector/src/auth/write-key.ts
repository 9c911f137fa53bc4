/** Where a request carried its write key. */
export type WriteKeyOrigin = 'basic' | 'header' | 'body';

/**
 * The write key from `Authorization: Basic base64(key:)` (colon optional), `X-Write-Key`, or the
 * body's `writeKey`, in that order; `undefined` when none is present.
 */
export function extractWriteKey(
  headers: Headers,
  body: unknown,
): { readonly key: string; readonly origin: WriteKeyOrigin } | undefined {
  const authorization = headers.get('authorization');
  if (authorization && /^basic\s+/i.test(authorization)) {
    const decoded = decodeBasic(authorization.replace(/^basic\s+/i, '').trim());
    if (decoded) return { key: decoded, origin: 'basic' };
  }
  const header = headers.get('x-write-key')?.trim();
  if (header) return { key: header, origin: 'header' };
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.hasOwn(body, 'writeKey')) {
    const key = (body as Record<string, unknown>).writeKey;
    if (typeof key === 'string' && key !== '') return { key, origin: 'body' };
  }
  return undefined;
}

function decodeBasic(token: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  const key = colon === -1 ? text : text.slice(0, colon);
  return key === '' ? undefined : key;
}
