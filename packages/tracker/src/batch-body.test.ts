import { describe, expect, it } from 'vitest';
import { batchBody, payloadBudget, SENT_AT_BYTES } from './batch-body.js';
import { queued } from './test-helpers/messages.js';
import { utf8ByteLength } from './utf8.js';

describe('batchBody', () => {
  it('builds a Segment batch with sentAt on the request and on every message', () => {
    const body = JSON.parse(batchBody([queued('a'), queued('b')], '2026-11-29T12:00:00.000Z'));
    expect(body.sentAt).toBe('2026-11-29T12:00:00.000Z');
    expect(body.batch.map((m: { messageId: string; sentAt: string }) => [m.messageId, m.sentAt])).toEqual([
      ['a', '2026-11-29T12:00:00.000Z'],
      ['b', '2026-11-29T12:00:00.000Z'],
    ]);
    expect(body).not.toHaveProperty('writeKey');
  });

  it('can carry the writeKey in the body (beacons cannot send an Authorization header)', () => {
    expect(JSON.parse(batchBody([queued('a')], '2026-11-29T12:00:00.000Z', 'wk')).writeKey).toBe('wk');
  });

  it('stays within the request budget when the payload fits payloadBudget', () => {
    const messages = Array.from({ length: 50 }, (_, i) => queued(`m${i}`, 'normal', 200));
    const total = messages.reduce((sum, m) => sum + m.bytes, 0);
    const maxRequest = total + 64 + 50 * (SENT_AT_BYTES + 1);
    expect(total).toBeLessThanOrEqual(payloadBudget(maxRequest, 50));
    expect(
      utf8ByteLength(batchBody(messages, new Date(0).toISOString(), 'k'.repeat(20))),
    ).toBeLessThanOrEqual(maxRequest);
  });
});
