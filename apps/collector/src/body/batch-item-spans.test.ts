import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchItemSpans } from './batch-item-spans.js';

const items = (text: string) => batchItemSpans(text).map(({ start, end }) => text.slice(start, end));

describe('batchItemSpans', () => {
  it('cuts each batch item out of the body exactly as it was sent', () => {
    const text = '{ "batch" : [ 9007199254740993 , 1e400,{"a":"]\\"}[,"},[1,[2]] ,"x" ],"writeKey":"k"}';
    expect(items(text)).toEqual(['9007199254740993', '1e400', '{"a":"]\\"}[,"}', '[1,[2]]', '"x"']);
    expect(items('{"batch":[]}')).toEqual([]);
    expect(items('{"batch":[{}]}')).toEqual(['{}']);
  });

  it('reads the batch member JSON.parse reads: the last one, its key decoded, not a nested one', () => {
    expect(items('{"batch":[1],"batch":[2,3]}')).toEqual(['2', '3']);
    expect(items('{"b\\u0061tch":[true]}')).toEqual(['true']);
    expect(items('{"x":{"batch":[1]},"batch":[{"batch":[9]}]}')).toEqual(['{"batch":[9]}']);
    expect(items('{"messages":[1]}')).toEqual([]);
  });

  it('finds every item of any batch, however it is formatted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 6 }),
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
        fc.constantFrom(undefined, 1, '\t', ' \r\n'),
        (batch, others, indent) => {
          const text = JSON.stringify({ ...others, batch }, null, indent);
          const parsed = (JSON.parse(text) as { batch: unknown[] }).batch;
          expect(items(text).map((item) => JSON.parse(item))).toEqual(parsed);
        },
      ),
      { numRuns: 300 },
    );
  });
});
