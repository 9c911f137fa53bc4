import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as stats from '@tributary/stats';
import { describe, expect, it } from 'vitest';

/** Every module reachable from `entry` through static and dynamic imports, and the bare specifiers. */
function importGraph(entry: URL): { files: string[]; specifiers: string[] } {
  const files = new Set<string>();
  const specifiers = new Set<string>();
  const visit = (url: URL) => {
    const file = fileURLToPath(url);
    if (files.has(file)) return;
    files.add(file);
    const code = readFileSync(file, 'utf8');
    for (const [, from, dynamic] of code.matchAll(
      /(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    )) {
      const specifier = from ?? dynamic;
      if (specifier === undefined) continue;
      if (specifier.startsWith('.')) visit(new URL(specifier.replace(/\.js$/, '.ts'), url));
      else specifiers.add(specifier);
    }
  };
  visit(entry);
  return { files: [...files], specifiers: [...specifiers] };
}

describe('@tributary/stats entry point', () => {
  it('imports nothing outside the package: no Node built-ins, no dependencies', () => {
    const { files, specifiers } = importGraph(new URL('./index.ts', import.meta.url));
    expect(files.length).toBeGreaterThan(15);
    expect(specifiers).toEqual([]);
  });

  it('exports the public functions', () => {
    const functions = Object.entries(stats)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name)
      .sort();
    expect(functions).toEqual([
      'StatsError',
      'chiSquareCdf',
      'chiSquareSurvival',
      'compareRatioMetrics',
      'confidenceSequence',
      'cupedWelchTTest',
      'deltaMethodRelativeLift',
      'normalCdf',
      'normalQuantile',
      'ratioMetric',
      'sampleRatioMismatch',
      'studentTCdf',
      'studentTQuantile',
      'twoProportionZTest',
      'welchTTest',
    ]);
  });
});
