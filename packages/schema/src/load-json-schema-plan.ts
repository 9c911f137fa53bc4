import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { SchemaDefinitionError, TributaryError } from './errors.js';
import { assertValidVersion, type EventDefinition, makeEvent, PRIORITIES, type Priority } from './event.js';
import { assertPropertyNames, assertValidName, suggestSnakeCase } from './names.js';
import { normalizeObjectSchema } from './normalize.js';
import { type AdditionalProperties, makePlan, type Plan } from './plan.js';

export interface LoadJsonSchemaPlanOptions {
  /** The plan's name (snake_case or kebab-case). */
  readonly name: string;
  readonly description?: string;
  readonly additionalProperties?: AdditionalProperties;
}

const SCHEMAVER = /^(\d+)-(\d+)-(\d+)$/;
const IGLU_PATH = /(?:^|\/)([^/]+)\/([^/]+)\/jsonschema\/(\d+-\d+-\d+)$/;
const METADATA_KEYS = [
  'name',
  'version',
  'self',
  '$schema',
  '$id',
  'title',
  'x-tributary-event',
  'x-tributary-source',
  'priority',
];

interface Candidate {
  readonly file: string;
  readonly name: string;
  /** Integer version, or a SchemaVer to be numbered in order. */
  readonly version: number | readonly [number, number, number];
  readonly source?: string;
  readonly priority: Priority;
  readonly description?: string;
  readonly schema: Record<string, unknown>;
}

/**
 * Imports a directory of JSON Schema files into a plan. Understands self-describing Iglu files
 * (`vendor/name/jsonschema/1-0-0`, versions numbered in SchemaVer order), Segment Protocols
 * event schemas (properties under `properties.properties`) and plain files whose name and version
 * come from `x-tributary-event`, top-level `name`/`version`, or a `tributary:` `$id`.
 * Every file that cannot be mapped is reported, with its path and the reason, in one error.
 */
export async function loadJsonSchemaPlan(dir: string, options: LoadJsonSchemaPlanOptions): Promise<Plan> {
  const files = await listFiles(dir);
  const problems: string[] = [];
  const candidates: Candidate[] = [];
  for (const path of files) {
    const file = relative(dir, path).split(sep).join('/');
    if (!file.endsWith('.json') && !IGLU_PATH.test(file)) continue;
    try {
      candidates.push(readCandidate(file, await readFile(path, 'utf8')));
    } catch (error) {
      problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (candidates.length === 0 && problems.length === 0)
    problems.push(`no JSON Schema files found under ${dir}`);
  const events: EventDefinition[] = [];
  const byName = new Map<string, Candidate[]>();
  for (const c of candidates) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
  for (const [name, group] of byName) {
    const semver = group.filter((c) => typeof c.version !== 'number');
    const numbered = group.filter((c) => typeof c.version === 'number');
    if (semver.length > 0 && numbered.length > 0) {
      problems.push(
        `event "${name}": ${semver.map((c) => c.file).join(', ')} use SchemaVer while ${numbered.map((c) => c.file).join(', ')} use integer versions; use one scheme per event.`,
      );
      continue;
    }
    const ordered =
      semver.length > 0
        ? [...semver].sort((a, b) =>
            compareSchemaVer(a.version as readonly number[], b.version as readonly number[]),
          )
        : numbered;
    ordered.forEach((c, i) => {
      const version = typeof c.version === 'number' ? c.version : i + 1;
      const where = `${c.file}: event "${name}" v${version}`;
      try {
        assertValidVersion(version, where);
        const normalized = normalizeObjectSchema(c.schema, where);
        assertPropertyNames(normalized, where);
        const { description: _d, ...rest } = normalized;
        const properties = c.source ? { ...rest, 'x-tributary-source': c.source } : rest;
        events.push(
          makeEvent({ name, version, description: c.description, priority: c.priority, properties }),
        );
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    });
  }
  if (problems.length > 0) {
    throw new TributaryError(
      'import_failed',
      `Could not import the JSON Schema plan in ${dir}:\n${problems.map((p) => `- ${p}`).join('\n')}`,
      { problems },
    );
  }
  try {
    return makePlan({
      name: options.name,
      description: options.description,
      additionalProperties: options.additionalProperties ?? 'reject',
      context: { type: 'object', properties: {}, required: [], additionalProperties: false },
      events,
    });
  } catch (error) {
    if (error instanceof SchemaDefinitionError)
      throw new TributaryError(
        'import_failed',
        `Could not import the JSON Schema plan in ${dir}: ${error.message}`,
      );
    throw error;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function compareSchemaVer(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function readCandidate(file: string, text: string): Candidate {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message}).`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error('the file must hold a JSON Schema object.');
  const raw = json as Record<string, unknown>;
  let name: unknown;
  let version: number | [number, number, number] | undefined;
  let source: string | undefined;
  const iglu = IGLU_PATH.exec(file);
  const self = raw.self as Record<string, unknown> | undefined;
  const meta = raw['x-tributary-event'] as Record<string, unknown> | undefined;
  if (self && typeof self === 'object') {
    const sv = SCHEMAVER.exec(String(self.version));
    if (!sv) throw new Error(`self.version ${JSON.stringify(self.version)} is not a SchemaVer like 1-0-0.`);
    if (self.format !== undefined && self.format !== 'jsonschema')
      throw new Error(`self.format ${JSON.stringify(self.format)} is not "jsonschema".`);
    if (iglu && (iglu[2] !== self.name || iglu[3] !== self.version || iglu[1] !== self.vendor)) {
      throw new Error(
        `the path says ${iglu[1]}/${iglu[2]}/${iglu[3]} but "self" says ${String(self.vendor)}/${String(self.name)}/${String(self.version)}; make them agree.`,
      );
    }
    name = self.name;
    version = [Number(sv[1]), Number(sv[2]), Number(sv[3])];
    source = `iglu:${String(self.vendor)}/${String(self.name)}/jsonschema/${String(self.version)}`;
  } else if (meta && typeof meta === 'object') {
    name = meta.name;
    version = meta.version as number;
  } else if (typeof raw.$id === 'string' && /^tributary:[^/]+\/[^/]+\/\d+$/.test(raw.$id)) {
    const [, eventName, v] = raw.$id.slice('tributary:'.length).split('/');
    name = eventName;
    version = Number(v);
  } else if (raw.name !== undefined || raw.version !== undefined) {
    name = raw.name;
    version = raw.version as number;
  } else {
    throw new Error(
      'no event name and version: add "self" (Iglu), "x-tributary-event": { "name", "version" }, or top-level "name" and "version".',
    );
  }
  if (typeof name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(name)) {
    const hint = typeof name === 'string' ? suggestSnakeCase(name) : '';
    throw new Error(
      `event name ${JSON.stringify(name)} is not snake_case${hint ? `; rename it to "${hint}"` : ''}.`,
    );
  }
  assertValidName(name, 'event', file);
  if (version === undefined) throw new Error(`event "${name}" has no version.`);
  const priority = (meta?.priority ?? raw.priority ?? 'normal') as Priority;
  if (!PRIORITIES.includes(priority))
    throw new Error(`priority ${JSON.stringify(priority)} is not one of ${PRIORITIES.join(', ')}.`);
  const schema: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!METADATA_KEYS.includes(key)) schema[key] = value;
  const description = typeof raw.description === 'string' ? raw.description : undefined;
  return {
    file,
    name,
    version,
    ...(source ? { source } : {}),
    priority,
    ...(description ? { description } : {}),
    schema: unwrapSegment(schema),
  };
}

/** Segment Protocols schemas describe the whole message; the event's own properties are under `properties.properties`. */
function unwrapSegment(schema: Record<string, unknown>): Record<string, unknown> {
  const props = schema.properties as Record<string, unknown> | undefined;
  if (!props || typeof props !== 'object') return schema;
  const keys = Object.keys(props);
  const inner = props.properties as Record<string, unknown> | undefined;
  if (
    inner &&
    typeof inner === 'object' &&
    inner.type === 'object' &&
    keys.every((k) => ['properties', 'context', 'traits'].includes(k))
  ) {
    return { ...(schema.description ? { description: schema.description } : {}), ...inner };
  }
  return schema;
}
