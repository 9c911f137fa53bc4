import { describe, expect, it } from 'vitest';
import { utf8ByteLength } from './utf8.js';

describe('utf8ByteLength', () => {
  it('matches TextEncoder for ASCII, 2-, 3- and 4-byte characters', () => {
    for (const text of ['', 'abc', 'é', 'ünïcødé', '€100', '日本語', '😀 ok', 'a😀b😀c', '\u07ff\u0800']) {
      expect(utf8ByteLength(text)).toBe(new TextEncoder().encode(text).length);
    }
  });
});
