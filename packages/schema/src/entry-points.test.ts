import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as main from '@tributary/schema';
import * as node from '@tributary/schema/node';
import { describe, expect, it } from 'vitest';

const BUILTINS = new Set(builtinModules);

/** Every module reachable from `entry` through static and dynamic imports: its own files and bare specifiers. */
function importGraph(entry: URL): { files: string[]; specifiers: string[] } {
  const files = new Set<string>();
  const specifiers = new Set<string>();
  const visit = (url: URL) => {
    const file = fileURLToPath(url);
    if (files.has(file)) return;
    files.add(file);
    const code = readFileSync(file, 'utf8');
    for (const [, specifier] of code.matchAll(
      /(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    )) {
      if (specifier === undefined) continue;
      if (specifier.startsWith('.')) visit(new URL(specifier.replace(/\.js$/, '.ts'), url));
      else specifiers.add(specifier);
    }
  };
  visit(entry);
  return { files: [...files], specifiers: [...specifiers] };
}

describe('entry points', () => {
  it('the main entry reaches no Node built-in (browsers bundle it); Node-only code is under /node', () => {
    const { files, specifiers } = importGraph(new URL('./index.ts', import.meta.url));
    expect(files.length).toBeGreaterThan(10);
    expect(
      specifiers.filter((s) => s.startsWith('node:') || BUILTINS.has(s) || BUILTINS.has(s.split('/')[0]!)),
    ).toEqual([]);
    expect(importGraph(new URL('./node.ts', import.meta.url)).specifiers).toContain('node:fs/promises');
  });

  it('loadJsonSchemaPlan is exported from @tributary/schema/node, not from the main entry', () => {
    expect(typeof node.loadJsonSchemaPlan).toBe('function');
    expect('loadJsonSchemaPlan' in main).toBe(false);
  });
});
