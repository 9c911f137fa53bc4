import { type EventDefinition, type Plan, toPlanDocument, zodSchemaOf } from '@tributary/schema';
import { type CompiledValidators, compileValidators } from '@tributary/validate';
import { TrackerError } from './errors.js';

/** One broken rule, in the same shape as @tributary/validate's violations. */
export interface PropertyViolation {
  readonly path: string;
  readonly rule: string;
  readonly expected: string;
  readonly received: string;
  readonly message: string;
}

/** Validates the properties of one event version. */
export type PropertyValidator = (event: EventDefinition, properties: unknown) => readonly PropertyViolation[];

/** What to do with an event that breaks the plan: throw (tests), warn (development), off (production) or a callback. */
export type ViolationPolicy =
  | 'throw'
  | 'warn'
  | 'off'
  | ((violation: {
      readonly event: string;
      readonly version: number;
      readonly violations: readonly PropertyViolation[];
    }) => void);

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path)
    value =
      value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    'properties',
  );
}

/**
 * Validates with the zod schema the event was defined with. Undeclared properties are violations
 * when the plan says `additionalProperties: 'reject'`. Events loaded from a plan document have no
 * zod schema and are not validated client-side (the collector validates every event anyway).
 */
export function zodPropertyValidator(plan: Plan): PropertyValidator {
  return (event, properties) => {
    const schema = zodSchemaOf(event);
    if (schema === undefined) return [];
    const result = schema.safeParse(properties);
    const violations: PropertyViolation[] = result.success
      ? []
      : result.error.issues.map((issue) => {
          const path = pathText(issue.path);
          const received = describe(valueAt(properties, issue.path));
          return {
            path,
            rule: issue.code,
            expected: issue.message,
            received,
            message: `${path}: ${issue.message}, received ${received}`,
          };
        });
    if (plan.additionalProperties === 'reject' && properties !== null && typeof properties === 'object') {
      for (const key of Object.keys(properties)) {
        if (!(key in schema.shape)) {
          const path = `properties.${key}`;
          violations.push({
            path,
            rule: 'additional_property',
            expected: 'no undeclared property',
            received: key,
            message: `${path}: is not declared by ${event.name} v${event.version}`,
          });
        }
      }
    }
    return violations;
  };
}

/**
 * Validates with the validators @tributary/validate generates from the plan document (the same
 * rules the collector applies), compiled on first use so production (`onViolation: 'off'`) never
 * pays for it. Where code generation is blocked (a browser CSP without 'unsafe-eval') it falls
 * back to {@link zodPropertyValidator}.
 */
export function planPropertyValidator(
  plan: Plan,
  onWarning: (message: string, error?: unknown) => void = () => {},
): PropertyValidator {
  let compiled: CompiledValidators | PropertyValidator | undefined;
  return (event, properties) => {
    if (compiled === undefined) {
      try {
        compiled = compileValidators(toPlanDocument(plan));
      } catch (error) {
        onWarning(
          '@tributary/tracker: could not compile validators (code generation blocked?); validating with zod',
          error,
        );
        compiled = zodPropertyValidator(plan);
      }
    }
    if (typeof compiled === 'function') return compiled(event, properties);
    return compiled.validateProperties(event.name, event.version, properties).violations;
  };
}

/** Applies the violation policy; returns normally when the event should still be sent. */
export function applyViolationPolicy(
  policy: ViolationPolicy,
  event: string,
  version: number,
  violations: readonly PropertyViolation[],
  warn: (message: string) => void,
): void {
  if (violations.length === 0 || policy === 'off') return;
  if (typeof policy === 'function') {
    policy({ event, version, violations });
    return;
  }
  const text = `@tributary/tracker: ${event} v${version} breaks the tracking plan: ${violations.map((v) => v.message).join('; ')}`;
  if (policy === 'throw')
    throw new TrackerError('invalid_event', `${text}. Fix the call or the event definition.`, {
      event,
      version,
      violations,
    });
  warn(text);
}
