import { describe, expect, it } from 'vitest';
import { boundRejections, indexRanges, type RejectedMessage } from './bound-rejections.js';
import { capReasons, cut } from './cap-reasons.js';
import type { Reason } from './reason.js';

const reason = (rule: string, path = 'properties.x'): Reason => ({
  path,
  rule,
  expected: 'something',
  received: 'something else',
  message: `${path}: expected something, received something else`,
});
const rejected = (index: number, reasons: Reason[] = [reason('required')], text = `{"i":${index}}`) =>
  ({ index, messageId: `m${index}`, reasons, text, secrets: [] }) satisfies RejectedMessage;

describe('boundRejections', () => {
  it('lists the first 20 and keeps every other one, as received, in one summary row', () => {
    const messages = Array.from({ length: 25 }, (_, i) =>
      rejected(i * 2, i % 2 === 0 ? [reason('required')] : [reason('enum'), reason('required', 'userId')]),
    );
    const bounded = boundRejections(messages, 10_000);
    expect(bounded.errors.map((error) => error.index)).toEqual(messages.slice(0, 20).map((m) => m.index));
    expect(bounded.rows).toHaveLength(21);
    expect(bounded.rows[3]).toEqual({ messageId: 'm6', reasons: messages[3]?.reasons, payload: '{"i":6}' });
    const summary = bounded.rows[20];
    expect(summary?.messageId).toBeNull();
    expect(summary?.payload).toBe('[{"i":40},{"i":42},{"i":44},{"i":46},{"i":48}]');
    expect(summary?.reasons.map((r) => [r.rule, r.received])).toEqual([
      ['rejected_summary', '5 more rejected messages, batch indexes 40,42,44,46,48'],
      ['required', '5 messages'],
      ['enum', '2 messages'],
    ]);
    expect(bounded.omitted).toEqual({
      messages: 5,
      rules: [
        { rule: 'required', messages: 5 },
        { rule: 'enum', messages: 2 },
      ],
    });
  });

  it('lists fewer when their errors would outgrow the request size + 8 KiB', () => {
    const wordy = Array.from({ length: 10 }, (_, i) => reason('type', `properties.${'p'.repeat(200)}${i}`));
    const bounded = boundRejections(
      Array.from({ length: 20 }, (_, i) => rejected(i, wordy)),
      100,
    );
    expect(bounded.errors.length).toBeGreaterThan(0);
    expect(bounded.errors.length).toBeLessThan(20);
    expect(Buffer.byteLength(JSON.stringify(bounded.errors))).toBeLessThanOrEqual(100 + 8 * 1024);
    expect(bounded.omitted?.messages).toBe(20 - bounded.errors.length);
  });

  it('answers a request with few rejections as before: all listed, no summary', () => {
    const bounded = boundRejections([rejected(1)], 50);
    expect(bounded).toEqual({
      errors: [{ index: 1, messageId: 'm1', reasons: [reason('required')] }],
      omitted: undefined,
      rows: [{ messageId: 'm1', reasons: [reason('required')], payload: '{"i":1}' }],
    });
  });
});

describe('capReasons', () => {
  it('lists 10 reasons and counts the rest per rule', () => {
    const reasons = [
      ...Array.from({ length: 53 }, (_, i) => reason('additional_property', `properties.p${i}`)),
      reason('enum'),
      reason('enum'),
    ];
    const capped = capReasons(reasons, []);
    expect(capped.slice(0, 10)).toEqual(reasons.slice(0, 10));
    expect(capped.slice(10).map((r) => [r.rule, r.received])).toEqual([
      ['additional_property', '43 more'],
      ['enum', '2 more'],
    ]);
  });

  it('cuts long texts to 256 characters without splitting a surrogate pair', () => {
    expect(cut('a'.repeat(300))).toBe(`${'a'.repeat(255)}…`);
    expect(cut(`${'a'.repeat(254)}😀${'b'.repeat(10)}`)).toBe(`${'a'.repeat(254)}…`);
    expect(cut('short')).toBe('short');
  });
});

describe('indexRanges', () => {
  it('writes runs as ranges', () => {
    expect(indexRanges([20, 21, 22, 30, 40, 41])).toBe('20-22,30,40-41');
    expect(indexRanges([7])).toBe('7');
  });
});
