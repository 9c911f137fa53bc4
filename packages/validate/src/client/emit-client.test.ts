import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineEvent, definePlan, toPlanDocument } from '@tributary/schema';
import { afterAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { generateCodeArtifacts } from '../codegen/artifacts.js';
import { strictPlan } from '../test-fixtures/fixture-plan.js';
import { emitTrackingClient } from './emit-client.js';

const TSC = join(dirname(fileURLToPath(import.meta.url)), '../../../../node_modules/.bin/tsc');

/** Names that collide once turned into PascalCase, and names of globals the module must not shadow. */
const awkwardPlan = definePlan({
  name: 'awkward',
  events: [
    defineEvent({ name: 'level_up', version: 1, properties: z.object({ level: z.int() }) }),
    defineEvent({
      name: 'level_up',
      version: 2,
      properties: z.object({ level: z.int(), player: z.object({ name: z.string() }) }),
    }),
    defineEvent({
      name: 'level_up_v2',
      version: 1,
      properties: z.object({ default: z.string(), class: z.enum(['a', 'b']) }),
    }),
    defineEvent({ name: 'level__up', version: 1, properties: z.object({}) }),
    defineEvent({
      name: 'record',
      version: 1,
      description: 'A record. Ends a comment */ on purpose.',
      properties: z.object({ tags: z.array(z.string()).optional() }),
    }),
    defineEvent({
      name: 'tracking_client',
      version: 1,
      properties: z.object({ items: z.array(z.object({ n: z.int() })) }),
    }),
  ],
});

const exported = (source: string) =>
  [...source.matchAll(/^export (?:interface|type|function) (\w+)/gm)].map((m) => m[1]);

describe('emitTrackingClient', () => {
  test('derives names safely: collisions and reserved names get deterministic numeric suffixes', () => {
    const source = emitTrackingClient(toPlanDocument(awkwardPlan));
    expect(exported(source)).toEqual([
      'TrackingClient',
      'TrackOptions',
      // level__up sorts first but is not the canonical spelling of LevelUp: it gets the suffixes.
      'LevelUpV12',
      'trackLevelUpV12',
      'LevelUpV1',
      'trackLevelUpV1',
      'LevelUpV2',
      'LevelUpV2Player',
      'trackLevelUpV2',
      'LevelUpV2V1',
      'trackLevelUpV2V1',
      'RecordV1',
      'trackRecordV1',
      'TrackingClientV1',
      'TrackingClientV1Item',
      'trackTrackingClientV1',
      'LevelUp2',
      'trackLevelUp2',
      'LevelUp',
      // nested types of the latest version get latest names too
      'LevelUpPlayer',
      'trackLevelUp',
      // the latest alias of level_up_v2 would be LevelUpV2, which level_up v2 holds.
      'LevelUpV22',
      'trackLevelUpV22',
      // Record and TrackingClient are reserved (a global type, the client interface).
      'Record2',
      'trackRecord',
      'TrackingClient2',
      'TrackingClient2Item',
      'trackTrackingClient',
    ]);
    expect(source).toContain('A record. Ends a comment *\\/ on purpose.');
    expect(source).toContain('readonly class: "a" | "b";');
    expect(source).not.toMatch(/\benum\b/);
    expect(source).toContain('export interface LevelUpV12 {\n  readonly [key: string]: never;\n}');
  });

  test('is deterministic', () => {
    expect(emitTrackingClient(toPlanDocument(awkwardPlan))).toBe(
      emitTrackingClient(toPlanDocument(awkwardPlan)),
    );
  });
});

describe('the generated code compiles under tsc --strict', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-client-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function compile(name: string, plan: typeof strictPlan | typeof awkwardPlan, usage: string) {
    const out = join(dir, name);
    for (const file of generateCodeArtifacts(toPlanDocument(plan))) {
      mkdirSync(dirname(join(out, file.path)), { recursive: true });
      writeFileSync(join(out, file.path), file.content);
    }
    writeFileSync(join(out, 'usage.ts'), usage);
    writeFileSync(
      join(out, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          noImplicitReturns: true,
          noUnusedLocals: true,
          verbatimModuleSyntax: true,
          isolatedModules: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          types: [],
          noEmit: true,
        },
        include: ['*.ts'],
      }),
    );
    writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
    const result = spawnSync(TSC, ['-p', join(out, 'tsconfig.json')], { encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  const usage = (line: string) => `import { trackLevelUp, type TrackingClient } from './tracking-plan.js';
import { validateMessage } from './validators.js';
const client: TrackingClient = { track: () => undefined };
${line}
export const ok: boolean = validateMessage({}).valid;
`;

  test('a correct call compiles (client, validators.d.ts and the awkward names)', () => {
    const strict = compile(
      'strict',
      strictPlan,
      usage(`trackLevelUp(client, { level: 3, character: 'mage' });`),
    );
    expect(strict.output).toBe('');
    expect(strict.status).toBe(0);
    const awkward = compile(
      'awkward',
      awkwardPlan,
      usage(`trackLevelUp(client, { level: 3, player: { name: 'x' } });`),
    );
    expect(awkward.output).toBe('');
    expect(awkward.status).toBe(0);
  });

  test('a wrong property type fails to compile', () => {
    const result = compile(
      'wrong',
      strictPlan,
      usage(`trackLevelUp(client, { level: '3', character: 'mage' });`),
    );
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(
      /usage\.ts\(4,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/,
    );
  });
});
