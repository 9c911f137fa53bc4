import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripWriteKeys } from './strip-write-keys.js';

const strip = (text: string) => stripWriteKeys(text).text;

/** The value with every `writeKey` member removed, at any depth. */
function withoutWriteKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutWriteKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value))
    if (key !== 'writeKey')
      Object.defineProperty(out, key, { value: withoutWriteKeys(child), enumerable: true });
  return out;
}

describe('stripWriteKeys', () => {
  it('removes the member and one comma, wherever it is in the object', () => {
    expect(stripWriteKeys('{"writeKey":"wk_1","batch":[]}')).toEqual({
      text: '{"batch":[]}',
      removedKeys: ['wk_1'],
    });
    expect(strip('{"batch":[],"writeKey":"wk_1"}')).toBe('{"batch":[]}');
    expect(strip('{"a":1,"writeKey":"wk_1","b":2}')).toBe('{"a":1,"b":2}');
    expect(strip('{"writeKey":"wk_1"}')).toBe('{}');
    expect(strip('{ "a" : 1 ,\n  "writeKey" : "wk_1"\n}')).toBe('{ "a" : 1 \n}');
    expect(strip('{"writeKey":"a","writeKey":"b"}')).toBe('{}');
    expect(strip('{"a":1,"writeKey":"a","writeKey":"b"}')).toBe('{"a":1}');
    expect(strip('{"writeKey":"a","writeKey":"b","c":1}')).toBe('{"c":1}');
  });

  it('removes it at any depth, whatever its value, and a key spelt with escapes', () => {
    expect(strip('{"batch":[{"writeKey":"wk_2","x":1}],"context":{"writeKey":{"k":[1]}}}')).toBe(
      '{"batch":[{"x":1}],"context":{}}',
    );
    expect(stripWriteKeys('{"write\\u004bey":"wk_3"}')).toEqual({ text: '{}', removedKeys: ['wk_3'] });
    expect(stripWriteKeys('{"writeKey":12345,"a":1}')).toEqual({ text: '{"a":1}', removedKeys: [] });
  });

  it('leaves every other character as it was: numbers, strings that mention writeKey, array items', () => {
    const text =
      '{"n":9007199254740993,"big":1e400,"note":"\\"writeKey\\":\\"x\\"","list":["writeKey",1.50]}';
    expect(stripWriteKeys(text)).toEqual({ text, removedKeys: [] });
    expect(strip('{"n":9007199254740993,"writeKey":"k","e":1e400}')).toBe('{"n":9007199254740993,"e":1e400}');
  });

  it('goes as far as it can in text that is not JSON', () => {
    expect(stripWriteKeys('{"writeKey":"wk_secret","batch":[')).toEqual({
      text: '{"batch":[',
      removedKeys: ['wk_secret'],
    });
    expect(stripWriteKeys('{"batch":[1],"writeKey":"wk_sec')).toEqual({
      text: '{"batch":[1]',
      removedKeys: ['wk_sec'],
    });
    expect(strip("{'writeKey': 'wk'}")).toBe("{'writeKey': 'wk'}");
  });

  it('keeps JSON valid and equal to the value without its writeKey members', () => {
    const key = fc.oneof(fc.constant('writeKey'), fc.string({ maxLength: 4 }));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 0 }),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(key, tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.constantFrom(undefined, 2, '\t'), (input, indent) => {
        const text = JSON.stringify(input, null, indent);
        expect(JSON.parse(strip(text))).toEqual(withoutWriteKeys(JSON.parse(text)));
      }),
      { numRuns: 500 },
    );
  });
});
