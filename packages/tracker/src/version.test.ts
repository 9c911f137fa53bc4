import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIBRARY } from './version.js';

describe('LIBRARY', () => {
  it('names this package and its package.json version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(LIBRARY).toEqual({ name: pkg.name, version: pkg.version });
  });
});
