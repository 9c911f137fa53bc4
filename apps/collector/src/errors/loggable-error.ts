/** The fields of an error that go to the log. */
export interface LoggableError {
  readonly type: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/**
 * The parts of an error that are safe to log: name, message, code and stack. Database drivers
 * attach the failed query's parameters to their errors (PGlite: `params`, the flush's payloads and
 * rejected bodies as received) and PostgreSQL its `where` / `detail` context, which can quote them;
 * a request body may hold a write key, so none of that reaches a log line.
 */
export function loggableError(error: unknown): LoggableError | { readonly type: string } {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
  };
}
