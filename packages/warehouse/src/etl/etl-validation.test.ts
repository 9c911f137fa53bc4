import { compileDdl, planToWarehouse } from '@tributary/sql';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/describe-each-database.js';
import { runEtl } from './run-etl.js';
import { etlTestDocument, insertRawRows, type RawRow } from './testing/index.js';

const valid = {
  type: 'track',
  event: 'level_up',
  userId: 'u1',
  timestamp: '2024-03-10T06:40:00Z',
  context: { platform: 'ios', eventVersion: 2 },
  properties: { level: 3, character: 'mage' },
};

/** Hostile and malformed messages and the rules the SQL must report, without aborting the chunk. */
const CASES: [string, Record<string, unknown>, string[]][] = [
  ['valid', valid, []],
  ['valid, integer written as 3.0', { ...valid, properties: { level: 3.0, character: 'mage' } }, []],
  ['timestamp on 30 February', { ...valid, timestamp: '2024-02-30T10:00:00Z' }, ['format']],
  ['timestamp at 24:00', { ...valid, timestamp: '2024-03-01T24:00:00Z' }, ['format']],
  [
    'timestamp offset +16:00 (PostgreSQL cannot cast it)',
    { ...valid, timestamp: '2024-03-01T10:00:00+16:00' },
    ['format'],
  ],
  ['timestamp without offset', { ...valid, timestamp: '2024-03-01T10:00:00' }, ['format']],
  // The toISOString() form takes a fast path in SQL; it must decide exactly as the full check.
  ['timestamp toISOString form', { ...valid, timestamp: '2024-03-10T06:40:00.000Z' }, []],
  ['timestamp toISOString on 29 February 2024', { ...valid, timestamp: '2024-02-29T23:59:59.999Z' }, []],
  [
    'timestamp toISOString on 29 February 2023',
    { ...valid, timestamp: '2023-02-29T10:00:00.000Z' },
    ['format'],
  ],
  ['timestamp toISOString on 31 April', { ...valid, timestamp: '2024-04-31T10:00:00.000Z' }, ['format']],
  ['timestamp toISOString on 31 December', { ...valid, timestamp: '2024-12-31T10:00:00.000Z' }, []],
  ['timestamp toISOString month 13', { ...valid, timestamp: '2024-13-01T10:00:00.000Z' }, ['format']],
  ['timestamp toISOString month 00', { ...valid, timestamp: '2024-00-01T10:00:00.000Z' }, ['format']],
  ['timestamp toISOString day 00', { ...valid, timestamp: '2024-03-00T10:00:00.000Z' }, ['format']],
  ['timestamp toISOString at 24:00', { ...valid, timestamp: '2024-03-01T24:00:00.000Z' }, ['format']],
  ['timestamp toISOString minute 60', { ...valid, timestamp: '2024-03-01T23:60:00.000Z' }, ['format']],
  ['timestamp toISOString second 60', { ...valid, timestamp: '2024-03-01T23:59:60.000Z' }, ['format']],
  ['timestamp toISOString year 0000', { ...valid, timestamp: '0000-03-01T10:00:00.000Z' }, ['format']],
  ['timestamp toISOString lower-case z', { ...valid, timestamp: '2024-03-01T10:00:00.000z' }, []],
  ['timestamp with an offset', { ...valid, timestamp: '2024-03-01T10:00:00.25+05:30' }, []],
  ['timestamp a number', { ...valid, timestamp: 1709287200 }, ['type']],
  ['level 1.5', { ...valid, properties: { level: 1.5, character: 'mage' } }, ['integer']],
  [
    'level 2^60 (beyond a safe integer)',
    { ...valid, properties: { level: 2 ** 60, character: 'mage' } },
    ['integer', 'maximum'],
  ],
  ['level a string', { ...valid, properties: { level: '3', character: 'mage' } }, ['type']],
  ['level null', { ...valid, properties: { level: null, character: 'mage' } }, ['type']],
  ['character too long', { ...valid, properties: { level: 3, character: 'x'.repeat(33) } }, ['max_length']],
  ['properties an array', { ...valid, properties: [1, 2] }, ['type', 'required', 'required']],
  ['eventVersion 2.5', { ...valid, context: { platform: 'ios', eventVersion: 2.5 } }, ['integer']],
  ['eventVersion "2"', { ...valid, context: { platform: 'ios', eventVersion: '2' } }, ['integer']],
  ['platform missing', { ...valid, context: { eventVersion: 2 } }, ['required']],
  // Without context.eventVersion the latest version (3) applies: hero missing, character undeclared.
  ['context a string', { ...valid, context: 'ios' }, ['type', 'required', 'required', 'additional_property']],
  ['userId an object', { ...valid, userId: { id: 1 } }, ['required', 'type']],
  ['unknown type', { ...valid, type: 'screenview' }, ['enum']],
  [
    'age 151 on v3 (threshold reject)',
    { ...valid, context: { platform: 'ios' }, properties: { level: 3, hero: 'x', age: 151 } },
    ['threshold'],
  ],
  [
    'v3 with a duration beyond the null threshold (stored as NULL)',
    { ...valid, context: { platform: 'ios' }, properties: { level: 3, hero: 'x', duration_ms: 9_000_000 } },
    [],
  ],
  ['alias without previousId', { type: 'alias', userId: 'u1', context: { platform: 'web' } }, ['required']],
  [
    'bot user agent',
    { ...valid, context: { platform: 'ios', eventVersion: 2, userAgent: 'AhrefsBot/7.0' } },
    ['bot'],
  ],
  [
    'identify without traits object',
    { type: 'identify', userId: 'u1', traits: 'x', context: { platform: 'web' } },
    ['type'],
  ],
  ['group without groupId', { type: 'group', userId: 'u1', context: { platform: 'web' } }, ['required']],
  [
    "quote in a key: don't",
    { ...valid, properties: { level: 3, character: 'mage', "don't": 1 } },
    ['additional_property'],
  ],
];

describeEachDatabase('ETL validation in SQL', (getDb) => {
  beforeAll(async () => {
    await getDb().exec(compileDdl(planToWarehouse(etlTestDocument)));
    const rows: RawRow[] = CASES.map(([name, payload], i) => ({
      messageId: `case-${i}`,
      receivedAt: '2024-03-10T07:00:00Z',
      type: String(payload.type),
      event: (payload.event as string | undefined) ?? null,
      payload: { ...payload, properties: payload.properties, name },
      intent: 'valid',
    }));
    await insertRawRows(getDb(), rows);
    await runEtl({ warehouse: getDb(), document: etlTestDocument, mode: 'incremental' });
  });

  it.each(CASES.map(([name, , rules], i) => [name, i, rules] as const))('%s', async (_name, index, rules) => {
    const [row] = await getDb().query<{ reasons: { rule: string }[] }>(
      "SELECT reasons FROM raw.rejected WHERE stage = 'etl' AND message_id = $1",
      [`case-${index}`],
    );
    expect((row?.reasons ?? []).map((r) => r.rule).sort()).toEqual([...rules].sort());
  });
});
