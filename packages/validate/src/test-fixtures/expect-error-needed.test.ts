import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const TSC = join(here, '../../../../node_modules/.bin/tsc');
const dir = mkdtempSync(join(tmpdir(), 'tributary-expect-error-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('every @ts-expect-error of the type test is needed: without them tsc reports an error on each next line', () => {
  const source = readFileSync(join(here, 'generated-client.test.ts'), 'utf8');
  const lines = source.split('\n');
  const directives = lines.flatMap((line, i) => (/^\s*\/\/ @ts-expect-error/.test(line) ? [i + 1] : []));
  expect(directives.length).toBeGreaterThanOrEqual(5);
  // Same line numbers: each directive becomes an empty line; vitest becomes ambient declarations on line 1.
  const stripped = lines
    .map((line) => (/^\s*\/\/ @ts-expect-error/.test(line) ? '' : line))
    .map((line) =>
      line.startsWith("import { expect, test } from 'vitest';")
        ? 'declare const expect: any, test: any;'
        : line,
    )
    .join('\n');
  mkdirSync(join(dir, 'generated'));
  for (const file of ['tracking-plan.ts', 'validators.d.ts', 'validators.js'])
    copyFileSync(join(here, 'generated', file), join(dir, 'generated', file));
  writeFileSync(join(dir, 'check.ts'), stripped);
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noUncheckedIndexedAccess: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        types: [],
        noEmit: true,
      },
      files: ['check.ts'],
    }),
  );
  const result = spawnSync(TSC, ['-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  const errorLines = [...`${result.stdout}${result.stderr}`.matchAll(/check\.ts\((\d+),\d+\): error/g)].map(
    (m) => Number(m[1]),
  );
  expect(result.status).not.toBe(0);
  // One error on the line after each directive, and no other error.
  expect(errorLines).toEqual(directives.map((line) => line + 1));
});
