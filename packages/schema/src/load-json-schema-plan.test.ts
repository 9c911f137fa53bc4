import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyVersions } from './evolution.js';
import { loadJsonSchemaPlan } from '@tributary/schema/node';
import { fromPlanDocument, toPlanDocument } from './plan-document.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'json-schema-plan');

async function tempDir(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-import-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

describe('loadJsonSchemaPlan', () => {
  it('imports Iglu, plain and Segment Protocols files into one plan', async () => {
    const plan = await loadJsonSchemaPlan(fixtures, { name: 'imported' });
    expect(plan.events.map((e) => `${e.name}@${e.version}`)).toEqual([
      'level_up@1',
      'level_up@2',
      'purchase@1',
      'sign_up@1',
    ]);
    const [v1, v2, purchase, signUp] = plan.events;
    expect(v1?.description).toBe('A player reached a new level');
    expect(v1?.properties).toMatchObject({
      'x-tributary-source': 'iglu:com.acme/level_up/jsonschema/1-0-0',
      required: ['level'],
      properties: {
        level: { type: 'integer', minimum: 1, maximum: 500 },
        character: { type: 'string', maxLength: 32 },
      },
    });
    expect(v2?.properties.properties.character).toEqual({
      anyOf: [{ type: 'string', maxLength: 32 }, { type: 'null' }],
    });
    expect(purchase?.priority).toBe('critical');
    expect(purchase?.properties.properties.store).toEqual({
      type: 'string',
      enum: ['app_store', 'play_store'],
    });
    expect(signUp?.properties.required).toEqual(['method']);
    expect(Object.keys(signUp?.properties.properties ?? {})).toEqual(['method', 'referrer']);
    expect(
      classifyVersions(plan).find((c) => c.event.name === 'level_up' && c.event.version === 2)?.fromPrevious
        ?.kind,
    ).toBe('compatible');
    // The imported plan is an ordinary plan: it round-trips through its document.
    expect(fromPlanDocument(toPlanDocument(plan))).toEqual(plan);
  });

  it('reports every file that cannot be mapped, with its path and reason', async () => {
    const dir = await tempDir({
      'broken.json': '{ not json',
      'camel.json': { name: 'levelUp', version: 1, type: 'object', properties: {} },
      'anon.json': { type: 'object', properties: { a: { type: 'string' } } },
      'ref.json': { name: 'with_ref', version: 1, type: 'object', properties: { a: { $ref: '#/defs/a' } } },
      'open.json': {
        name: 'open_map',
        version: 1,
        type: 'object',
        properties: { m: { type: 'object', additionalProperties: { type: 'string' } } },
      },
      'bad-prop.json': {
        name: 'bad_prop',
        version: 1,
        type: 'object',
        properties: { userId: { type: 'string' } },
      },
      'com.acme/mismatch/jsonschema/1-0-0': {
        self: { vendor: 'com.acme', name: 'other', format: 'jsonschema', version: '1-0-0' },
        type: 'object',
        properties: {},
      },
    });
    const error = (await loadJsonSchemaPlan(dir, { name: 'bad' }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error & { code: string };
    expect(error.code).toBe('import_failed');
    const message = error.message;
    expect(message).toMatch(/broken.json: not valid JSON/);
    expect(message).toMatch(/camel.json: event name "levelUp" is not snake_case; rename it to "level_up"/);
    expect(message).toMatch(/anon.json: no event name and version/);
    expect(message).toMatch(/ref.json: event "with_ref" v1: a: "\$ref" is not supported/);
    expect(message).toMatch(/open.json: event "open_map" v1: m: open objects/);
    expect(message).toMatch(
      /bad-prop.json: event "bad_prop" v1: userId: property name "userId" must match .*try "user_id"/,
    );
    expect(message).toMatch(
      /com.acme\/mismatch\/jsonschema\/1-0-0: the path says com.acme\/mismatch\/1-0-0 but "self" says com.acme\/other\/1-0-0/,
    );
  });

  it('refuses an empty directory', async () => {
    await expect(loadJsonSchemaPlan(await tempDir({}), { name: 'empty' })).rejects.toThrow(
      /no JSON Schema files found/,
    );
  });
});
