import { describeEachDatabase } from '@tributary/warehouse/testing';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Collector } from '../create-collector.js';
import type { IngestResponse } from '../routes/ingest.js';
import {
  basicAuth,
  createWarehouseTables,
  KEYS,
  levelUp,
  testCollector,
  truncateRaw,
} from '../test-helpers/test-collector.js';

// Issue 16, point 2: a request's rejections are answered and stored within a bounded multiple of
// its own size (the rule is in the collector README): response ≤ request + 16 KiB, raw.rejected
// (payload + reasons + message_id) ≤ 3 × request + 16 KiB.
const SLACK = 16 * 1024;
const SUMMARY_ROW =
  "SELECT payload, reasons FROM raw.rejected WHERE reasons->0->>'rule' = 'rejected_summary'";

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `count` track messages with `extra` undeclared properties each (named `name(i)`, one letter by default). */
function undeclared(count: number, extra: number, name = (i: number) => LETTERS[i] as string): string {
  const props = Array.from({ length: extra }, (_, i) => `,"${name(i)}":0`).join('');
  const message = `{"type":"track","event":"level_up","anonymousId":"a","properties":{"level":1,"character":"mage"${props}}}`;
  return `{"batch":[${Array.from({ length: count }, () => message).join(',')}]}`;
}

describeEachDatabase('rejections cost a bounded multiple of the request', (getDb) => {
  let collector: Collector;
  beforeAll(async () => {
    await createWarehouseTables(getDb());
    collector = await testCollector(getDb());
  });
  afterAll(() => collector?.close());
  beforeEach(() => truncateRaw(getDb()));

  async function send(body: string) {
    const response = await collector.app.request('/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basicAuth(KEYS.server) },
      body,
    });
    const text = await response.text();
    const [stored] = await getDb().query<{ bytes: number; rows: number }>(
      `SELECT coalesce(sum(octet_length(payload) + octet_length(reasons::text) + coalesce(octet_length(message_id), 0)), 0)::int AS bytes,
              count(*)::int AS rows
       FROM raw.rejected`,
    );
    const requestBytes = Buffer.byteLength(body);
    return {
      status: response.status,
      json: JSON.parse(text) as IngestResponse,
      requestBytes,
      responseBytes: Buffer.byteLength(text),
      storedBytes: stored?.bytes ?? 0,
      rows: stored?.rows ?? 0,
    };
  }

  function expectBounded(r: Awaited<ReturnType<typeof send>>): void {
    expect(r.responseBytes).toBeLessThanOrEqual(r.requestBytes + SLACK);
    expect(r.storedBytes).toBeLessThanOrEqual(3 * r.requestBytes + SLACK);
  }

  it('2,500 empty objects in a 7.5 KB body: 20 listed, the rest counted, 21 rows keeping every one', async () => {
    const body = `{"batch":[${Array.from({ length: 2500 }, () => '{}').join(',')}]}`;
    const r = await send(body);
    expect(r.requestBytes).toBe(7511);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ accepted: 0, rejected: 2500, duplicates: 0 });
    expect(r.json.errors.map((error) => error.index)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(r.json.omittedErrors).toEqual({ messages: 2480, rules: [{ rule: 'required', messages: 2480 }] });
    expect(r.rows).toBe(21);
    const [summary] = await getDb().query<{ payload: string; reasons: { rule: string; received: string }[] }>(
      SUMMARY_ROW,
    );
    expect(summary?.payload).toBe(`[${Array.from({ length: 2480 }, () => '{}').join(',')}]`);
    expect(summary?.reasons.map((reason) => [reason.rule, reason.received])).toEqual([
      ['rejected_summary', '2480 more rejected messages, batch indexes 20-2499'],
      ['required', '2480 messages'],
    ]);
    expectBounded(r);
    // The audit measured 283× (a 2.1 MB response) and 2,500 rows.
    expect(r.responseBytes / r.requestBytes).toBeLessThan(2);
  });

  it('1,000 tracks × 55 undeclared properties: each listed message shows 10 reasons and a count', async () => {
    const r = await send(undeclared(1000, 55));
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ accepted: 0, rejected: 1000 });
    expect(r.json.errors).toHaveLength(20);
    expect(r.json.errors[0]?.reasons.map((reason) => [reason.rule, reason.received]).slice(9)).toEqual([
      ['additional_property', '0'],
      ['additional_property', '45 more'],
    ]);
    expect(r.json.omittedErrors).toEqual({
      messages: 980,
      rules: [{ rule: 'additional_property', messages: 980 }],
    });
    expectBounded(r);
    // The audit measured a 14.6 MB response.
    expect(r.responseBytes / r.requestBytes).toBeLessThan(0.2);
  });

  it('small messages with many wordy reasons: fewer than 20 are listed, within request + 8 KiB', async () => {
    const r = await send(undeclared(40, 12, (i) => `undeclared_property_with_a_long_name_${i}`));
    expect(r.json.rejected).toBe(40);
    expect(r.json.errors.length).toBeGreaterThan(0);
    expect(r.json.errors.length).toBeLessThan(20);
    expect(r.json.omittedErrors?.messages).toBe(40 - r.json.errors.length);
    expect(r.rows).toBe(r.json.errors.length + 1);
    expectBounded(r);
  });

  it('a valid message between rejected ones is stored; the summary row names the rejected indexes', async () => {
    const bad = JSON.stringify({
      ...levelUp('x'),
      messageId: undefined,
      properties: { level: 0, character: 'mage' },
    });
    const batch = [...Array.from({ length: 22 }, () => bad), JSON.stringify(levelUp('ok')), bad, bad];
    const r = await send(`{"batch":[${batch.join(',')}]}`);
    expect(r.json).toMatchObject({ accepted: 1, rejected: 24 });
    const [summary] = await getDb().query<{ reasons: { received: string }[] }>(SUMMARY_ROW);
    expect(summary?.reasons[0]?.received).toBe('4 more rejected messages, batch indexes 20-21,23-24');
    expectBounded(r);
  });
});
