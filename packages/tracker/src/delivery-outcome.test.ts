import { describe, expect, it } from 'vitest';
import { outcomeOfResponse } from './delivery-outcome.js';

describe('outcomeOfResponse', () => {
  const now = 0;
  it('acknowledges 2xx', () => {
    expect(outcomeOfResponse(200, '{}', null, now).kind).toBe('acknowledged');
    expect(outcomeOfResponse(204, '', null, now).kind).toBe('acknowledged');
  });

  it('retries 5xx, 408 and 429, carrying Retry-After', () => {
    for (const status of [500, 502, 503, 504, 408, 429])
      expect(outcomeOfResponse(status, '', null, now).kind).toBe('retry');
    expect(outcomeOfResponse(429, 'slow down', '2', now)).toEqual({
      kind: 'retry',
      reason: { kind: 'http', status: 429, body: 'slow down' },
      retryAfterMs: 2000,
    });
    expect(outcomeOfResponse(503, '', null, now)).not.toHaveProperty('retryAfterMs');
  });

  it('does not retry other 4xx and keeps the reason', () => {
    for (const status of [400, 401, 403, 404, 413, 422]) {
      expect(outcomeOfResponse(status, 'bad', '5', now)).toEqual({
        kind: 'rejected',
        reason: { kind: 'http', status, body: 'bad' },
      });
    }
  });
});
