import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineEvent, definePlan, fromPlanDocument, makePlan, toPlanDocument } from '@tributary/schema';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { strictPlan } from '../test-fixtures/fixture-plan.js';
import { findStaleArtifacts, generateCodeArtifacts } from './artifacts.js';

const GENERATED_DIR = join(dirname(fileURLToPath(import.meta.url)), '../test-fixtures/generated');
const read = (dir: string) => (path: string) =>
  existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined;

describe('generateCodeArtifacts', () => {
  test('writes the client, the validator module and one JSON Schema per event version, sorted by path', () => {
    const files = generateCodeArtifacts(toPlanDocument(strictPlan));
    expect(files.map((f) => f.path)).toEqual([
      'schemas/level_up/1.json',
      'schemas/level_up/2.json',
      'schemas/purchase/1.json',
      'schemas/sign_up/1.json',
      'tracking-plan.ts',
      'validators.d.ts',
      'validators.js',
    ]);
    const schema = JSON.parse(files[1]?.content ?? '');
    expect(schema.$id).toBe('tributary:fixture-strict/level_up/2');
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  test('is deterministic: same document, same bytes, also after a JSON round trip of the document', () => {
    const document = toPlanDocument(strictPlan);
    const again = toPlanDocument(fromPlanDocument(JSON.parse(JSON.stringify(document))));
    expect(generateCodeArtifacts(again)).toEqual(generateCodeArtifacts(document));
    // Event order in the input does not matter: plans sort their events.
    const shuffled = makePlan({ ...strictPlan, events: [...strictPlan.events].reverse() });
    expect(generateCodeArtifacts(toPlanDocument(shuffled))).toEqual(generateCodeArtifacts(document));
  });

  test('the committed generated fixture is up to date (UPDATE_GENERATED=1 rewrites it)', () => {
    const files = generateCodeArtifacts(toPlanDocument(strictPlan));
    if (process.env.UPDATE_GENERATED === '1') {
      for (const file of files) {
        mkdirSync(dirname(join(GENERATED_DIR, file.path)), { recursive: true });
        writeFileSync(join(GENERATED_DIR, file.path), file.content);
      }
    }
    expect(findStaleArtifacts(files, read(GENERATED_DIR))).toEqual([]);
  });
});

describe('findStaleArtifacts (what generate --check reports)', () => {
  const files = generateCodeArtifacts(toPlanDocument(strictPlan));
  const disk = new Map(files.map((f) => [f.path, f.content]));

  test('nothing is stale when the files match', () => {
    expect(findStaleArtifacts(files, (path) => disk.get(path))).toEqual([]);
  });

  test('a plan change makes the client and the validators stale, and new schemas missing', () => {
    const levelUpV3 = defineEvent({
      name: 'level_up',
      version: 3,
      properties: z.strictObject({ level: z.int().min(1) }),
    });
    const changed = definePlan({
      name: 'fixture-strict',
      events: [...strictPlan.events, levelUpV3],
      context: z.object({
        platform: z.enum(['ios', 'android', 'web']),
        app_version: z.string().max(32),
        locale: z.string().max(35).optional(),
      }),
    });
    const stale = findStaleArtifacts(generateCodeArtifacts(toPlanDocument(changed)), (path) =>
      disk.get(path),
    );
    expect(stale).toEqual([
      { path: 'schemas/level_up/3.json', status: 'missing' },
      { path: 'tracking-plan.ts', status: 'stale' },
      { path: 'validators.js', status: 'stale' },
    ]);
  });

  test('a hand edit of a generated file is stale', () => {
    const edited = new Map(disk);
    edited.set('validators.js', `${disk.get('validators.js')}// edited\n`);
    expect(findStaleArtifacts(files, (path) => edited.get(path))).toEqual([
      { path: 'validators.js', status: 'stale' },
    ]);
  });
});
