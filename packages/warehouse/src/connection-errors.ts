// Whether a database error means "not reachable right now": shared by the collector and the JetStream loader.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * True when a database error means "the database is not reachable right now" (a retry may work):
 * connection refused/reset, SQLSTATE class 08 (connection exception), 57P01–57P03 (shutdown,
 * cannot connect now), 53300 (too many connections), or pg's "Connection terminated".
 */
export function isConnectionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (CONNECTION_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300')
  )
    return true;
  if (code === 'warehouse_closed') return true;
  return (
    typeof message === 'string' &&
    /connection terminated|terminating connection|timeout exceeded when trying to connect|not queryable|connection (is )?closed|ECONNREFUSED|ECONNRESET/i.test(
      message,
    )
  );
}
