/**
 * Stable, snake_case rule names. A violation's `rule` is one of these; consumers (the collector's
 * `raw.rejected.reasons`, dashboards) may switch on them.
 */
export const RULES = [
  'type',
  'required',
  'enum',
  'min_length',
  'max_length',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusive_minimum',
  'exclusive_maximum',
  'multiple_of',
  'integer',
  'min_items',
  'max_items',
  'any_of',
  'additional_property',
  'unknown_event',
  'unknown_version',
  'nul_character',
  'lone_surrogate',
  'max_string_bytes',
  'max_depth',
  'max_items_total',
] as const;

/** One of {@link RULES}. */
export type Rule = (typeof RULES)[number];

/** One broken rule at one place of a message. Every text field is safe to store in PostgreSQL jsonb. */
export interface Violation {
  /** Where, e.g. `properties.player.level`, `properties.items[3].sku`, `context.eventVersion`. */
  readonly path: string;
  readonly rule: string;
  /** What the rule wants, in words: `an integer`, `at most 64 characters`. */
  readonly expected: string;
  /** A short, sanitised description of what arrived (strings are quoted and truncated). */
  readonly received: string;
  /** `<path>: expected <expected>, received <received>` */
  readonly message: string;
}

/** The outcome of validating a message or an event's properties. */
export interface MessageValidation {
  readonly valid: boolean;
  /** The message type when readable. */
  readonly type?: string;
  /** track: the event name. */
  readonly event?: string;
  /** track: the resolved event version (the latest when `context.eventVersion` is absent). */
  readonly version?: number;
  /** Every violation, not only the first; `valid === (violations.length === 0)`. */
  readonly violations: readonly Violation[];
  /** Non-fatal findings, e.g. undeclared properties when the plan says `additionalProperties: 'flag'`. */
  readonly flags: readonly Violation[];
}

/** Validators for every event version of one plan. */
export interface CompiledValidators {
  /** Validates a whole Segment-spec message (track, identify, page, screen, group, alias). */
  validateMessage(message: unknown): MessageValidation;
  /** Validates the properties of one event version; `version` undefined means the latest. */
  validateProperties(event: string, version: number | undefined, properties: unknown): MessageValidation;
  /** Every event version the validators know, sorted by name then version. */
  readonly events: readonly { readonly name: string; readonly version: number }[];
}
