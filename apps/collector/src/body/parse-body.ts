import { CollectorError } from '../errors/collector-error.js';
import type { CollectorLimits } from '../options.js';
import { nestingDepth } from './scan-value.js';

/** Parses the body text as JSON and bounds its nesting depth. */
export function parseBody(text: string, limits: Pick<CollectorLimits, 'maxDepth'>): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new CollectorError('invalid_json', `The body is not valid JSON: ${detail}`);
  }
  if (nestingDepth(value, limits.maxDepth) > limits.maxDepth)
    throw new CollectorError(
      'max_depth',
      `The body nests objects/arrays deeper than ${limits.maxDepth} levels (maxDepth).`,
      limits.maxDepth,
    );
  return value;
}
