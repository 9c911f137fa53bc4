import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toPlanDocument } from '@tributary/schema';
import { afterAll, expect, test } from 'vitest';
import { flagPlan } from '../test-fixtures/fixture-plan.js';
import type { CompiledValidators } from '../violation.js';
import { compileValidators } from './compile-validators.js';
import { emitValidatorModule } from './emit-validator-module.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-validators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const messages: unknown[] = [
  {
    type: 'track',
    event: 'level_up',
    anonymousId: 'a',
    context: { platform: 'web', app_version: '1' },
    properties: { level: 2, character: 'ranger' },
  },
  {
    type: 'track',
    event: 'purchase',
    userId: 7,
    properties: { sku: 'x', items: [{ sku: '', quantity: -1 }], extra: 'a\u0000' },
  },
  {
    type: 'identify',
    userId: 'u',
    traits: { name: '\ud800' },
    context: { platform: 'ios', app_version: '1', eventVersion: 0 },
  },
  JSON.parse('{"type":"alias","__proto__":1,"messageId":"' + 'm'.repeat(101) + '"}'),
  'not a message',
];

test('the emitted module is standalone ESM and behaves exactly like compileValidators', async () => {
  const document = toPlanDocument(flagPlan);
  const module = emitValidatorModule(document, { limits: { maxDepth: 8 } });
  expect(module.js).not.toMatch(/^\s*import\b|\brequire\(/m);
  expect(module.js).toMatch(/^export const validateMessage = /m);
  const file = join(dir, 'validators.mjs');
  writeFileSync(file, module.js);
  const loaded = (await import(pathToFileURL(file).href)) as CompiledValidators;
  const compiled = compileValidators(document, { limits: { maxDepth: 8 } });
  for (const message of messages)
    expect(loaded.validateMessage(message)).toEqual(compiled.validateMessage(message));
  expect(loaded.validateProperties('sign_up', undefined, { email: 'x' })).toEqual(
    compiled.validateProperties('sign_up', undefined, { email: 'x' }),
  );
  expect(loaded.events).toEqual(compiled.events);
  expect(module.dts).toContain(
    'export declare function validateMessage(message: unknown): MessageValidation;',
  );
});

test('emission is deterministic and depends on the limits', () => {
  const document = toPlanDocument(flagPlan);
  expect(emitValidatorModule(document)).toEqual(emitValidatorModule(toPlanDocument(flagPlan)));
  expect(emitValidatorModule(document, { limits: { maxDepth: 8 } }).js).not.toBe(
    emitValidatorModule(document).js,
  );
});
