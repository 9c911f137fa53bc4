const marker = Symbol.for('tributary.error');

/** Stable, machine-readable error codes of @tributary/schema. */
export type SchemaErrorCode =
  | 'invalid_name'
  | 'reserved_name'
  | 'duplicate_name'
  | 'unsupported_construct'
  | 'invalid_definition'
  | 'invalid_document'
  | 'import_failed'
  | 'plan_evolution';

/**
 * The base of every Tributary error: a stable `code` and a message that says what to do.
 * `TributaryError.isInstance` works across copies of the package (a `Symbol.for` marker).
 */
export class TributaryError extends Error {
  readonly [marker] = true;
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'TributaryError';
    this.code = code;
    this.details = details;
  }

  static isInstance(value: unknown): value is TributaryError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

/** Thrown when an event or plan definition breaks a rule; names the event, the path and the rule. */
export class SchemaDefinitionError extends TributaryError {
  constructor(code: SchemaErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'SchemaDefinitionError';
  }
}
