import { describe, expect, test } from 'vitest';
import { identifierBytes, MAX_IDENTIFIER_BYTES, quoteIdentifier, shortenIdentifier } from './identifiers.js';

describe('quoteIdentifier', () => {
  test.each([
    ['user', '"user"'],
    ['order', '"order"'],
    ['select', '"select"'],
    ['timestamp', '"timestamp"'],
    ['Mixed Case', '"Mixed Case"'],
    ['say "hi"', '"say ""hi"""'],
  ])('%s → %s', (name, quoted) => expect(quoteIdentifier(name)).toBe(quoted));
});

describe('shortenIdentifier', () => {
  test('names up to 63 bytes are unchanged', () => {
    const name = 'a'.repeat(63);
    expect(shortenIdentifier(name)).toBe(name);
    expect(shortenIdentifier('level_up')).toBe('level_up');
  });

  test('a 64-byte name becomes a 63-byte prefix + "_" + 8 hex digits, deterministically', () => {
    const name = `${'a'.repeat(60)}_v12`;
    const short = shortenIdentifier(name);
    expect(identifierBytes(short)).toBe(MAX_IDENTIFIER_BYTES);
    expect(short).toMatch(/^a{54}_[0-9a-f]{8}$/);
    expect(shortenIdentifier(name)).toBe(short);
  });

  test('two long names with the same prefix get different hashes', () => {
    const a = shortenIdentifier(`${'x'.repeat(70)}_first`);
    const b = shortenIdentifier(`${'x'.repeat(70)}_second`);
    expect(a.slice(0, 54)).toBe(b.slice(0, 54));
    expect(a).not.toBe(b);
  });

  test('counts bytes, not characters, and never splits a multi-byte character', () => {
    const name = 'é'.repeat(40); // 80 bytes, 40 characters
    const short = shortenIdentifier(name);
    expect(identifierBytes(short)).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
    expect(short).toMatch(/^(é){27}_[0-9a-f]{8}$/);
  });
});
