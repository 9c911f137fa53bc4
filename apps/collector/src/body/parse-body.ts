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
    // V8 quotes part of the body (`Unexpected token 'x', "{"writeKey":"wk_…" is not valid JSON`);
    // the message is stored with the rejected body, so keep the position, not a copy of its text.
    throw new CollectorError('invalid_json', `The body is not valid JSON: ${withoutQuotedSource(detail)}`);
  }
  if (nestingDepth(value, limits.maxDepth) > limits.maxDepth)
    throw new CollectorError(
      'max_depth',
      `The body nests objects/arrays deeper than ${limits.maxDepth} levels (maxDepth).`,
      limits.maxDepth,
    );
  return value;
}

/** A `JSON.parse` error message without the excerpt of the source text that V8 quotes in it. */
function withoutQuotedSource(detail: string): string {
  return detail.replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '');
}
