import { describe, expect, it } from 'vitest';
import { planToWarehouse } from '../model/plan-to-warehouse.js';
import { testDocument } from '../test-helpers/plans.js';
import { compileEtl, compileEtlSql } from './compile-etl.js';
import { normalizeSql, normalizeText, splitColumns } from './etl-columns.js';
import { etlPlanOf } from './etl-plan.js';
import { etlFixtureDocument } from './etl-test-plan.fixture.js';
import { isDateTimeSql, schemaChecks, violationSql } from './json-checks.js';
import { textLiteral } from './sql-text.js';

describe('SQL fragments (exact text)', () => {
  it('quotes plan constants as literals', () => {
    expect(textLiteral("warrior's")).toBe("'warrior''s'");
  });

  it('a violation is a constant jsonb object plus the received value, or NULL', () => {
    expect(
      violationSql({
        path: 'properties.level',
        rule: 'maximum',
        expected: '<= 500',
        condition: 'x > 500',
        received: 'x',
      }),
    ).toBe(
      `CASE WHEN x > 500 THEN '{"expected":"<= 500","message":"properties.level must be <= 500","path":"properties.level","rule":"maximum"}'::jsonb || jsonb_build_object('received', coalesce(left((x)::text, 200), 'missing')) END`,
    );
  });

  it('date-times are checked by shape, offset range and calendar day before any cast', () => {
    expect(isDateTimeSql('t')).toBe(
      "CASE WHEN translate(t, '0123456789', '0000000000') = '0000-00-00T00:00:00.000Z' COLLATE \"C\" THEN CASE WHEN substr(t, 6, 2) COLLATE \"C\" BETWEEN '01' AND '12' AND substr(t, 9, 2) COLLATE \"C\" BETWEEN '01' AND '31' AND substr(t, 12, 2) COLLATE \"C\" <= '23' AND substr(t, 15, 2) COLLATE \"C\" <= '59' AND substr(t, 18, 2) COLLATE \"C\" <= '59' AND substr(t, 1, 4) COLLATE \"C\" <> '0000' THEN CASE WHEN substr(t, 9, 2) COLLATE \"C\" <= '28' THEN true ELSE substr(t, 9, 2)::integer <= extract(day from make_date(left(t, 4)::integer, substr(t, 6, 2)::integer, 1) + interval '1 month' - interval '1 day') END ELSE false END\n    WHEN t ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)?([Zz]|[+-](0[0-9]|1[0-5]):?[0-5][0-9])$' AND left(t, 4) <> '0000' THEN substr(t, 9, 2)::integer <= extract(day from make_date(left(t, 4)::integer, substr(t, 6, 2)::integer, 1) + interval '1 month' - interval '1 day') ELSE false END",
    );
  });

  it('an integer with bounds: presence, null, type, integer, minimum, maximum', () => {
    const checks = schemaChecks(
      { type: 'integer', minimum: 1, maximum: 500 },
      'v',
      'properties.level',
      true,
      {
        additionalProperties: 'reject',
      },
    );
    expect(checks.map((c) => `${c.rule}: ${c.condition}`)).toEqual([
      'required: v IS NULL',
      "type: jsonb_typeof(v) = 'null'",
      "type: jsonb_typeof(v) NOT IN ('number', 'null')",
      "integer: CASE WHEN jsonb_typeof(v) = 'number' THEN (v)::numeric % 1 <> 0 OR abs((v)::numeric) > 9007199254740991 ELSE false END",
      "minimum: CASE WHEN jsonb_typeof(v) = 'number' THEN (v)::numeric < 1 ELSE false END",
      "maximum: CASE WHEN jsonb_typeof(v) = 'number' THEN (v)::numeric > 500 ELSE false END",
    ]);
  });

  it('normalisation runs NFC, trim, lower in that order whatever the declared order', () => {
    expect(normalizeSql('x', ['lower', 'nfc', 'trim'])).toBe(
      "lower(btrim(normalize(x, NFC), E' \\t\\n\\r\\f\\x0B'))",
    );
    expect(normalizeText(' Éa\t', ['trim', 'lower'])).toBe('éa');
  });

  it('splits: locale, version, separator', () => {
    const sql = (split: Parameters<typeof splitColumns>[0]) =>
      splitColumns(split, 'x', 'p_', 'src').map((c) => `${c.name} ${c.type.name}: ${c.expr}`);
    expect(sql({ kind: 'locale', into: ['language', 'country'] })).toEqual([
      "p_language text: lower(nullif(split_part(replace(x, '_', '-'), '-', 1), ''))",
      "p_country text: upper(nullif(split_part(replace(x, '_', '-'), '-', 2), ''))",
    ]);
    expect(sql({ kind: 'version', into: ['major', 'minor'] })).toEqual([
      "p_major integer: CASE WHEN split_part(x, '.', 1) ~ '^[0-9]{1,9}$' THEN split_part(x, '.', 1)::integer END",
      "p_minor integer: CASE WHEN split_part(x, '.', 2) ~ '^[0-9]{1,9}$' THEN split_part(x, '.', 2)::integer END",
    ]);
    expect(sql({ kind: 'separator', separator: '#', into: ['a', 'b'] })).toEqual([
      "p_a text: nullif(split_part(x, '#', 1), '')",
      "p_b text: nullif(split_part(x, '#', 2), '')",
    ]);
  });
});

describe('the ETL declarations shape the processed tables', () => {
  const model = planToWarehouse(etlFixtureDocument);
  const table = (name: string) => model.tables.find((t) => `${t.schema}.${t.name}` === name);
  const columns = (name: string) =>
    table(name)?.columns.map((c) => `${c.name} ${c.type.name}${c.nullable ? '' : ' not null'}`);

  it('etl.columns filters, unit → numeric, split parts replace the original, merge adds a text column', () => {
    expect(columns('processed.purchase')?.slice(-8)).toEqual([
      'loaded_at timestamptz not null',
      'currency text not null',
      'player_age bigint',
      'tag_name text',
      'tag_number text',
      'price_cents numeric not null',
      'sku varchar not null',
      'sku_note text',
    ]);
    expect(columns('processed.purchase')).not.toContain('note text');
    expect(columns('processed.purchase')).toEqual(
      expect.arrayContaining(['context_language text', 'context_country text']),
    );
  });

  it('a normalised enum keeps its CHECK, with the values normalised too', () => {
    expect(table('processed.purchase')?.checks.find((c) => c.column === 'currency')?.values).toEqual([
      'eur',
      'usd',
    ]);
  });

  it('processed.tracks carries every context column and the cooked tables are keyed by time zone', () => {
    expect(columns('processed.tracks')).toEqual(
      expect.arrayContaining([
        'context_platform text',
        'context_language text',
        'revenue numeric',
        'fingerprint text',
      ]),
    );
    expect(table('cooked.user_days')?.primaryKey?.columns).toEqual(['time_zone', 'user_key', 'day']);
    expect(table('cooked.sessions')?.primaryKey?.columns).toEqual(['session_key']);
  });

  it('an event may not take a table name the ETL uses', () => {
    const document = testDocument([{ name: 'tracks', properties: {} }]);
    expect(() => planToWarehouse(document)).toThrow(
      /event "tracks" and the ETL's own table both become table "tracks"/,
    );
  });
});

describe('compileEtl', () => {
  const program = compileEtl(etlFixtureDocument);

  it('the extract stage comes first and reads raw.events only (a runner extracts the next chunk early)', () => {
    const extract = program.chunk.filter((s) => s.stage === 'extract');
    expect(extract.length).toBeGreaterThan(0);
    expect(program.chunk.slice(0, extract.length)).toEqual(extract);
    for (const s of extract) expect(s.sql).not.toMatch(/\b(processed|cooked|tributary)\s*"?\s*\./);
    expect(extract[0]?.sql).toContain('FROM raw.events');
  });

  it('orders the statements by stage and names the parameters they take', () => {
    expect(
      program.chunk.map((s) => `${s.stage}: ${s.name}${s.params.length ? ` (${s.params.join(', ')})` : ''}`),
    ).toMatchInlineSnapshot(`
      [
        "extract: extract raw rows (watermark, high] into staging and validate them (envelope, context, properties) (fromSeq, toSeq)",
        "extract: index the staged rows by seq (the validate and classify updates join on it)",
        "extract: statistics of etl_stage for the planner",
        "classify: message id of the same source already in its processed table (tracks, identifies, pages, screens, groups, aliases) → duplicate",
        "classify: same fingerprint earlier in the chunk, or already loaded → duplicate",
        "classify: more than 5 events of a user in one minute → rejected (spam)",
        "load: rejected rows into raw.rejected (stage 'etl')",
        "load: load the valid rows into processed.tracks, the event tables and the message tables (fromSeq, toSeq)",
        "load: count the chunk for reconciliation",
        "cook: the new track rows, as loaded",
        "cook: statistics of etl_new for the planner",
        "cook: tracker sessions touched by the chunk",
        "cook: users with new events lacking a session id: the sessions they keep",
        "cook: drop session days of sessions that are rebuilt",
        "cook: drop sessions that are rebuilt",
        "cook: cut sessions by 30 minutes of inactivity after the kept ones",
        "cook: insert the rebuilt inactivity sessions and the touched tracker sessions",
        "cook: session days of the rebuilt sessions, per reporting time zone (timeZones)",
        "cook: the (time zone, user, local day) pairs the chunk touches (timeZones)",
        "cook: statistics of etl_affected for the planner",
        "cook: every event of the affected user-days, with its session key",
        "cook: statistics of etl_day_events for the planner",
        "cook: drop the affected user-days",
        "cook: recount the affected user-days",
        "cook: drop the affected user-day dimension rows",
        "cook: recount the affected user-days per dimension value",
        "cook: merge the new events into cooked.users (timeZones)",
        "cook: identity link candidates: anonymousId → userId, alias previousId → userId (first occurrence of each)",
        "cook: each id's first outgoing link, when it has none yet",
        "cook: keep the new links",
        "cook: links of an already linked id to another target: conflicts, counted and never merged",
        "cook: ids whose person can change: the ids of the persons the new links start from, and both ends",
        "cook: their links, marked when the target is in scope too",
        "cook: index the links by target",
        "cook: index the links by id",
        "cook: statistics of etl_identity_edges for the planner",
        "cook: persons, walking down from each chain end: one step per link, whatever the chain length",
        "cook: ids no chain end reaches lead into a loop: the loop's smallest id is their person",
        "cook: ids whose person changed (an id not yet mapped was its own person)",
        "cook: map every linked id to its person",
        "cook: persons whose ids changed (those that lost ids and those that gained them)",
        "cook: persons to re-cook: of the new events, and whose ids changed",
        "cook: their ids",
        "cook: statistics of etl_person_members for the planner",
        "cook: the (time zone, person, local day) rows to re-cook: the days of the new events and of the inactivity sessions renumbered for them, every day of a changed person (timeZones)",
        "cook: statistics of etl_person_affected for the planner",
        "cook: every event of those person-days, with its session key",
        "cook: drop the re-cooked rows of cooked.person_days",
        "cook: drop the re-cooked rows of cooked.person_session_days",
        "cook: drop the re-cooked rows of cooked.person_day_dimensions",
        "cook: person-days",
        "cook: person-days per dimension value",
        "cook: person session days",
        "cook: drop the re-cooked persons",
        "cook: the re-cooked persons, from their ids (timeZones)",
      ]
    `);
  });

  it('roles and settings come from the plan', () => {
    const plan = etlPlanOf(etlFixtureDocument);
    expect(plan.roles.dimensions).toEqual([
      { name: 'platform', column: 'context_platform' },
      { name: 'language', column: 'context_language' },
    ]);
    expect(plan.roles.revenue?.amount).toBe(
      `trim_scale((s.payload #>> '{"properties","price_cents"}')::numeric / 100)`,
    );
    expect(plan.reportingTimeZones).toEqual(['UTC']);
    expect(plan.maxEventsPerUserPerMinute).toBe(5);
    expect(plan.roles.inactivityMinutes).toBe(30);
  });

  it('the formatted script of every stage (exact text)', async () => {
    await expect(compileEtlSql(etlFixtureDocument)).toMatchFileSnapshot('./__snapshots__/etl-fixture.sql');
  });
});
