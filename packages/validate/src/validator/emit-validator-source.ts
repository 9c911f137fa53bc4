import type { PlanDocument } from '@tributary/schema';
import { canonicalDocument } from '../canonical-document.js';
import { emitObjectCheck, type EmitState, indent } from './emit-schema-check.js';
import { resolveLimits, type ValidationLimits } from './limits.js';
import { MESSAGE_SOURCE } from './message-source.js';
import { RUNTIME_SOURCE } from './runtime-source.js';
import { staticPath } from './code-path.js';

/** Options of validator generation. */
export interface ValidatorOptions {
  /** Limits on depth, total size and string length; defaults in DEFAULT_LIMITS. */
  readonly limits?: Partial<ValidationLimits>;
}

/**
 * Generates the JavaScript source of a function body that returns `{ validateMessage,
 * validateProperties, events }` for the plan. Deterministic: the same document gives the same text.
 */
export function emitValidatorSource(input: PlanDocument, options: ValidatorOptions = {}): string {
  const document = canonicalDocument(input);
  const limits = resolveLimits(options.limits);
  const state: EmitState = {
    constants: [],
    next: 0,
    extras: document.additionalProperties,
    maxStringBytes: limits.maxStringBytes,
  };
  const functions: string[] = [];
  const table = new Map<string, { name: string; version: number; fn: string }[]>();
  document.events.forEach((schema, index) => {
    const { name, version } = schema['x-tributary-event'];
    const fn = `checkEvent${index}`;
    const check = emitObjectCheck(
      schema,
      'v',
      staticPath('properties'),
      1,
      state,
      document.additionalProperties,
    );
    functions.push(`// ${JSON.stringify(name)} v${version}\nfunction ${fn}(v, c) {\n${indent(check)}\n}`);
    const versions = table.get(name) ?? [];
    versions.push({ name, version, fn });
    table.set(name, versions);
  });
  const contextCheck = emitObjectCheck(document.context, 'v', staticPath('context'), 1, state, 'allow');
  functions.push(`function validateContext(v, c) {\n${indent(contextCheck)}\n}`);
  const entries = [...table.entries()].map(([name, versions]) => {
    const sorted = [...versions].sort((a, b) => a.version - b.version);
    const latest = sorted.at(-1)?.version;
    const map = sorted
      .map(
        (v) =>
          `[${v.version}, { check: ${v.fn}, ok: okResult(undefined, ${JSON.stringify(name)}, ${v.version}), okTrack: okResult("track", ${JSON.stringify(name)}, ${v.version}) }]`,
      )
      .join(',\n    ');
    return `  [${JSON.stringify(name)}, { latest: ${latest}, versions: new Map([\n    ${map},\n  ]) }],`;
  });
  const list = document.events
    .map((e) => e['x-tributary-event'])
    .map(({ name, version }) => ({ name, version }));
  return [
    '"use strict";',
    `const PLAN = ${JSON.stringify(document.name)};`,
    `const MAX_DEPTH = ${limits.maxDepth};`,
    `const MAX_ITEMS_TOTAL = ${limits.maxItemsTotal};`,
    `const MAX_STRING_BYTES = ${limits.maxStringBytes};`,
    RUNTIME_SOURCE.trim(),
    ...state.constants,
    ...functions,
    `const EVENTS = new Map([\n${entries.join('\n')}\n]);`,
    `const EVENT_LIST = Object.freeze(${JSON.stringify(list)}.map(Object.freeze));`,
    MESSAGE_SOURCE.trim(),
    'return { validateMessage, validateProperties, events: EVENT_LIST };',
    '',
  ].join('\n\n');
}
