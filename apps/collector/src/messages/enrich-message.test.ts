import { describe, expect, it } from 'vitest';
import { anonymizeIp } from './anonymize-ip.js';
import fc from 'fast-check';
import {
  type EnrichmentContext,
  enrichMessage,
  parseCanonicalUtc,
  parseClientTime,
} from './enrich-message.js';

const ctx: EnrichmentContext = {
  receivedAt: new Date('2026-03-01T12:00:10.000Z'),
  batchSentAt: undefined,
  batchContext: undefined,
  ip: '203.0.113.7',
  ipAnonymization: 'none',
  userAgent: 'agent/1',
  generateId: () => 'generated-id',
};

describe('enrichMessage', () => {
  it('corrects the timestamp for clock skew: receivedAt − (sentAt − originalTimestamp)', () => {
    // The device clock is 1 hour fast: it stamped 13:00:00 and sent at 13:00:08.
    const out = enrichMessage(
      { type: 'track', timestamp: '2026-03-01T13:00:00.000Z', sentAt: '2026-03-01T13:00:08.000Z' },
      ctx,
    );
    expect(out).toMatchObject({
      originalTimestamp: '2026-03-01T13:00:00.000Z',
      timestamp: '2026-03-01T12:00:02.000Z',
      receivedAt: '2026-03-01T12:00:10.000Z',
    });
  });

  it("uses the batch's sentAt when the message has none, and receivedAt when there is no timestamp", () => {
    const skewed = enrichMessage(
      { timestamp: '2026-03-01T12:00:00.000Z' },
      { ...ctx, batchSentAt: '2026-03-01T12:00:05.000Z' },
    );
    expect(skewed.timestamp).toBe('2026-03-01T12:00:05.000Z');
    expect(enrichMessage({}, ctx).timestamp).toBe('2026-03-01T12:00:10.000Z');
  });

  it('leaves an unreadable timestamp for the validators and keeps it as originalTimestamp', () => {
    const out = enrichMessage({ timestamp: 'yesterday', sentAt: '2026-03-01T12:00:05.000Z' }, ctx);
    expect(out).toMatchObject({ timestamp: 'yesterday', originalTimestamp: 'yesterday' });
  });

  it('fills messageId only when missing, adds ip and user agent, merges the batch context, drops the write key', () => {
    const out = enrichMessage(
      { messageId: '', writeKey: 'secret', context: { platform: 'ios' } },
      { ...ctx, batchContext: { app_version: '1.0', platform: 'web' } },
    );
    expect(out.messageId).toBe('generated-id');
    expect(out).not.toHaveProperty('writeKey');
    expect(out.context).toEqual({
      app_version: '1.0',
      platform: 'ios',
      ip: '203.0.113.7',
      userAgent: 'agent/1',
    });
    expect(enrichMessage({ messageId: 'kept' }, ctx).messageId).toBe('kept');
  });

  it('keeps a client-set context.ip but anonymises it under the truncate policy', () => {
    expect(enrichMessage({ context: { ip: '198.51.100.20' } }, ctx).context).toMatchObject({
      ip: '198.51.100.20',
    });
    expect(
      enrichMessage({ context: { ip: '198.51.100.20' } }, { ...ctx, ipAnonymization: 'truncate' }).context,
    ).toMatchObject({ ip: '198.51.100.0' });
    expect(enrichMessage({}, { ...ctx, ipAnonymization: 'truncate' }).context).toMatchObject({
      ip: '203.0.113.0',
    });
  });

  it('does not touch the original message', () => {
    const message = { context: { platform: 'ios' } };
    enrichMessage(message, ctx);
    expect(message).toEqual({ context: { platform: 'ios' } });
  });
});

describe('anonymizeIp', () => {
  it.each([
    ['203.0.113.7', '203.0.113.0'],
    ['::ffff:203.0.113.7', '203.0.113.0'],
    ['2001:db8:1:2::7', '2001:db8:1::'],
    ['2001:0db8:0001:0002:0003:0004:0005:0006', '2001:db8:1::'],
    ['::1', '0:0:0::'],
    ['not an ip', undefined],
  ])('%s → %s', (ip, expected) => {
    expect(anonymizeIp(ip, 'truncate')).toBe(expected);
  });
  it('keeps the address under "none"', () => {
    expect(anonymizeIp('203.0.113.7', 'none')).toBe('203.0.113.7');
    expect(anonymizeIp('::ffff:203.0.113.7', 'none')).toBe('203.0.113.7');
  });
});

describe('parseClientTime', () => {
  it('agrees with Date.parse on canonical UTC timestamps, including invalid calendar dates', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
        (date) => {
          const text = date.toISOString();
          expect(parseCanonicalUtc(text)).toBe(Date.parse(text));
        },
      ),
      { numRuns: 2000 },
    );
    expect(parseCanonicalUtc('2026-02-30T00:00:00.000Z')).toBeUndefined();
    expect(parseCanonicalUtc('2026-13-01T00:00:00.000Z')).toBeUndefined();
    expect(parseCanonicalUtc('2026-01-01T24:00:00.000Z')).toBeUndefined();
    expect(parseCanonicalUtc('2026-01-01T00:00:00.00xZ')).toBeUndefined();
  });
  it('falls back to Date.parse for other ISO forms and refuses non-ISO text', () => {
    expect(parseClientTime('2026-01-01T01:00:00+01:00')).toBe(Date.parse('2026-01-01T00:00:00.000Z'));
    expect(parseClientTime('2026-01-01T00:00:00Z')).toBe(Date.parse('2026-01-01T00:00:00.000Z'));
    expect(parseClientTime('Thu, 01 Jan 2026 00:00:00 GMT')).toBeUndefined();
    expect(parseClientTime(1767225600000)).toBeUndefined();
  });
});
