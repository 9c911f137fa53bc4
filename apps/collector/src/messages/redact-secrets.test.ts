import { describe, expect, it } from 'vitest';
import type { Reason } from './reason.js';
import { filterRejectedText, redactReason } from './redact-secrets.js';

const KEY = 'wk_request_key';

describe('filterRejectedText', () => {
  it('removes writeKey members and redacts the request key and their values anywhere else', () => {
    const raw = `{"writeKey":"wk_other_source","note":"${KEY} and wk_other_source","n":9007199254740993}`;
    expect(filterRejectedText(raw, KEY)).toEqual({
      text: '{"note":"[redacted] and [redacted]","n":9007199254740993}',
      secrets: ['wk_other_source', KEY],
    });
  });

  it('finds the request key in text that is not JSON, and escaped inside JSON strings', () => {
    expect(filterRejectedText(`{writeKey: '${KEY}', batch: [`, KEY).text).toBe(
      "{writeKey: '[redacted]', batch: [",
    );
    expect(filterRejectedText('{"a":"k\\"ey"}', 'k"ey').text).toBe('{"a":"[redacted]"}');
  });

  it('does not hunt a short removed value through the text, and escapes what text cannot hold', () => {
    expect(filterRejectedText('{"writeKey":"x","event":"xyz"}', KEY).text).toBe('{"event":"xyz"}');
    expect(filterRejectedText('{"batch":[\u0000]}', KEY).text).toBe('{"batch":[\\u0000]}');
  });
});

describe('redactReason', () => {
  it('redacts a key echoed whole or cut to the validators’ 40 characters', () => {
    const long = `wk_${'x'.repeat(60)}`;
    const reason: Reason = {
      path: 'properties.writeKey',
      rule: 'additional_property',
      expected: 'no undeclared property',
      received: `"${long.slice(0, 40)}"… (63 characters)`,
      message: `properties.writeKey: expected no undeclared property, received "${KEY}"`,
    };
    expect(redactReason(reason, [long, KEY])).toEqual({
      ...reason,
      received: '"[redacted]"… (63 characters)',
      message: 'properties.writeKey: expected no undeclared property, received "[redacted]"',
    });
  });
});
