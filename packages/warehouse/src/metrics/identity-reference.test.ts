import { IDENTITY_TABLES, type MetricSpec, metricCatalogOf } from '@tributary/sql';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EtlRunResult, runEtl } from '../etl/run-etl.js';
import { tableContents } from '../etl/testing/index.js';
import { describeEachDatabase } from '../testing/index.js';
import { runMetric } from './run-metric.js';
import { expectSameRows } from './test-support/compare-rows.js';
import { identityLog, type SentMessage } from './test-support/identity-log.js';
import { batchesOf, loadIdentityLogIncrementally } from './test-support/load-identity-log.js';
import { metricsTestDocument } from './test-support/metrics-test-plan.js';
import { referencePersonTables } from './test-support/person-reference.js';
import { type ReferenceSpec, referenceMetric } from './test-support/reference-metrics.js';
import { resolveIdentities } from './test-support/resolve-identities.js';

// The reference test of issue 17: a generated log whose true persons are known (anonymous sessions,
// later sign-in, second devices, lent devices, aliases and rename loops) goes through the real ETL
// in three incremental runs of two chunks each, so links arrive after the events they link (and
// late events after their links). Persons are resolved here from the messages in plain TypeScript
// by the documented rules (no SQL, nothing from the sql package's ETL); the TypeScript metrics
// reference then counts them, in UTC and in New York across the 2026-03-08 DST switch.
// TRIBUTARY_IDENTITY_PERSONS humans (default 1,000: about 14,000 track events; at least 300, so
// that every case occurs).
const HUMANS = Number(process.env.TRIBUTARY_IDENTITY_PERSONS ?? 1_000);
const ZONES = ['UTC', 'America/New_York'] as const;
const RANGE = { from: '2026-02-10', to: '2026-03-29' } as const;
const BATCHES = 3;
const now = () => Date.parse('2026-11-29T12:00:00Z');
const document = metricsTestDocument(ZONES);
const catalog = metricCatalogOf(document);

const log = identityLog({ humans: HUMANS, firstDay: '2026-01-25', lastDay: '2026-03-31' });
const graph = resolveIdentities(log.messages);
/** The events with their person as user key: the per-key reference then counts persons. */
const personEvents = log.events.map((e) => ({ ...e, userKey: graph.personOf(e.userKey) }));

type MetricIdentity = NonNullable<MetricSpec['identity']>;
type Variant = Pick<MetricSpec & ReferenceSpec, 'metric' | 'days' | 'retentionMode'>;
const VARIANTS: readonly Variant[] = [
  { metric: 'dau' },
  { metric: 'wau' },
  { metric: 'mau' },
  { metric: 'installs' },
  { metric: 'retention', days: 1 },
  { metric: 'retention', days: 7 },
  { metric: 'retention', days: 7, retentionMode: 'on_or_after' },
  { metric: 'revenue' },
  { metric: 'paying_users' },
  { metric: 'arppu' },
  { metric: 'conversion' },
  { metric: 'cohort_conversion', days: 7 },
];

describe('the generated identity log', () => {
  it('its persons, as the generator built them, are the ones the rules give from the messages alone', () => {
    const ids = new Set([...log.expectedPersonOf.keys(), ...graph.identities.keys()]);
    const differ = [...ids].filter((id) => (log.expectedPersonOf.get(id) ?? id) !== graph.personOf(id));
    expect(differ).toEqual([]);
  });

  it('its persons are the true humans, except where the documented rules say otherwise', () => {
    // The expected numbers follow the rules where they differ from the truth: a borrower's
    // anonymous events on a lent device count for the device's first user (the first link wins; the
    // borrower's sign-in there is a conflict, never merged), and an anonymous id that never signs in
    // is a person of its own even when its human signed in on another device.
    const truth = (human: number) => log.keyOfHuman.get(human) ?? `d${human}`;
    const cases = { same: 0, lent: 0, neverSignedIn: 0 };
    for (const e of log.events) {
      const person = graph.personOf(e.userKey);
      if (person === truth(e.human)) cases.same++;
      else if (e.lender !== null && person === truth(e.lender)) cases.lent++;
      else if (person === e.userKey && e.userId === null && !graph.identities.has(e.userKey))
        cases.neverSignedIn++;
      else expect.unreachable(`${e.messageId} of human ${e.human} counts for ${person}`);
    }
    expect(cases.lent).toBeGreaterThan(0);
    expect(cases.neverSignedIn).toBeGreaterThan(0);
    expect(cases.same).toBeGreaterThan(log.events.length * 0.9);
  });

  it('holds every case: links in a later run than the events they link, late events, second devices, aliases, loops, conflicts', () => {
    const batchOf = new Map<string, number>();
    batchesOf(log.messages, BATCHES).forEach((batch, i) => {
      for (const m of batch) batchOf.set(m.payload.messageId, i);
    });
    /** Run of each linked id's first link. */
    const linkBatch = new Map<string, number>();
    for (const m of log.messages) {
      const { userId, anonymousId, previousId } = m.payload;
      for (const from of [anonymousId, previousId])
        if (m.valid && typeof from === 'string' && userId !== undefined && !linkBatch.has(from))
          linkBatch.set(from, batchOf.get(m.payload.messageId) as number);
    }
    const anonymous = (m: SentMessage) => m.payload.type === 'track' && m.payload.userId === undefined;
    const linkedLater = log.messages.filter(
      (m) =>
        anonymous(m) &&
        (linkBatch.get(String(m.payload.anonymousId)) ?? -1) > (batchOf.get(m.payload.messageId) ?? 0),
    );
    const lateAfterLink = log.messages.filter(
      (m) =>
        anonymous(m) &&
        (linkBatch.get(String(m.payload.anonymousId)) ?? BATCHES) < (batchOf.get(m.payload.messageId) ?? 0) &&
        m.arrival - Date.parse(String(m.payload.timestamp)) > 3_600_000,
    );
    const onLoop = (id: string): boolean => {
      let next = graph.links.get(id);
      for (
        let steps = 0;
        next !== undefined && steps < graph.links.size;
        steps++, next = graph.links.get(next)
      )
        if (next === id) return true;
      return false;
    };
    /** Run in which each loop closed (its last link), by person. */
    const loopClosedIn = new Map<string, number>();
    for (const [id, { person, looped }] of graph.identities)
      if (looped && onLoop(id))
        loopClosedIn.set(person, Math.max(loopClosedIn.get(person) ?? 0, linkBatch.get(id) as number));
    const intoClosedLoops = [...graph.identities].filter(
      ([id, { person, looped }]) =>
        looped && !onLoop(id) && (linkBatch.get(id) as number) > (loopClosedIn.get(person) as number),
    );
    const figures = {
      anonymousEventsLinkedInALaterRun: linkedLater.length,
      lateAnonymousEventsAfterTheirLinkRun: lateAfterLink.length,
      secondDevicesLinked: [...graph.links.keys()].filter((id) => id.startsWith('e')).length,
      lentDevices: new Set(log.events.filter((e) => e.lender !== null).map((e) => e.anonymousId)).size,
      conflicts: graph.conflicts.length,
      aliases: log.messages.filter((m) => m.payload.type === 'alias').length,
      idsInLoops: [...graph.identities.values()].filter((i) => i.looped).length,
      idsLinkedIntoALoopClosedInAnEarlierRun: intoClosedLoops.length,
      rejectedMessagesWithTwoIds: log.invalid,
    };
    for (const [name, n] of Object.entries(figures)) expect({ [name]: n > 0 }).toEqual({ [name]: true });
  });
});

describeEachDatabase('stitched metrics through the ETL equal the TypeScript reference', (getDb) => {
  let runs: EtlRunResult[] = [];
  beforeAll(async () => {
    runs = await loadIdentityLogIncrementally(getDb(), document, log.messages, {
      batches: BATCHES,
      chunksPerBatch: 2,
    });
  }, 600_000);

  const metric = (variant: Variant, timeZone: string, identity?: MetricIdentity) =>
    runMetric(getDb(), { ...variant, ...RANGE, timeZone, ...(identity ? { identity } : {}) } as MetricSpec, {
      catalog,
      now,
    });
  const personsIn = (timeZone: string) =>
    getDb().query(
      `SELECT user_key, first_day::text, last_day::text, install_day::text, first_purchase_day::text,
         round(revenue * 100)::integer AS revenue_cents, events::integer
       FROM cooked.persons WHERE time_zone = $1`,
      [timeZone],
    );

  it('the ETL loads every valid message once, in several runs and chunks', () => {
    const sum = (key: 'loaded' | 'rejected' | 'duplicates') => runs.reduce((n, r) => n + r[key], 0);
    expect(runs.map((r) => r.chunks >= 2)).toEqual([true, true, true]);
    expect(sum('loaded')).toBe(log.messages.length - log.invalid);
    expect(sum('rejected')).toBe(log.invalid);
    expect(sum('duplicates')).toBe(0);
  });

  it('cooked.identities and identity_conflicts are the graph resolved in TypeScript', async () => {
    const identities = await getDb().query<{ id: string; person_key: string; looped: boolean }>(
      'SELECT id, person_key, looped FROM cooked.identities',
    );
    expect(sortBy(identities, ['id'])).toEqual(
      sortBy(
        [...graph.identities].map(([id, { person, looped }]) => ({ id, person_key: person, looped })),
        ['id'],
      ),
    );
    const conflicts = await getDb().query('SELECT from_id, to_id FROM cooked.identity_conflicts');
    expect(sortBy(conflicts, ['from_id', 'to_id'])).toEqual(
      sortBy(
        graph.conflicts.map((c) => ({ from_id: c.from, to_id: c.to })),
        ['from_id', 'to_id'],
      ),
    );
  });

  for (const timeZone of ZONES) {
    it(`person-days and persons (revenue, install, first purchase per person) ${timeZone}`, async () => {
      const expected = referencePersonTables(personEvents, timeZone);
      const days = await getDb().query(
        `SELECT day::text, user_key, events, sessions, purchases, round(revenue * 100)::integer AS revenue_cents
         FROM cooked.person_days WHERE time_zone = $1`,
        [timeZone],
      );
      expect(sortBy(days, ['user_key', 'day'])).toEqual(sortBy(expected.days, ['user_key', 'day']));
      expect(sortBy(await personsIn(timeZone), ['user_key'])).toEqual(sortBy(expected.persons, ['user_key']));
    });

    for (const variant of VARIANTS) {
      const name = [variant.metric, variant.days, variant.retentionMode]
        .filter((x) => x !== undefined)
        .join(' ');
      it(`${name} ${timeZone}: persons with identity stitch, user keys with identity raw`, async () => {
        const spec = { ...variant, ...RANGE, timeZone };
        expectSameRows((await metric(variant, timeZone, 'stitch')).rows, referenceMetric(personEvents, spec));
        expectSameRows((await metric(variant, timeZone, 'raw')).rows, referenceMetric(log.events, spec));
      });
    }

    it(`stitching counts fewer users ${timeZone}: DAU and installs lower on no day, lower in total`, async () => {
      for (const variant of [{ metric: 'dau' }, { metric: 'installs' }] as const) {
        const column = variant.metric;
        const counts = async (identity: MetricIdentity) =>
          ((await metric(variant, timeZone, identity)).rows as Record<string, unknown>[]).map((r) =>
            Number(r[column]),
          );
        const [stitched, raw] = [await counts('stitch'), await counts('raw')];
        const total = (list: number[]) => list.reduce((a, b) => a + b, 0);
        expect(stitched.length).toBe(raw.length);
        expect(stitched.filter((n, i) => n > (raw[i] as number))).toEqual([]);
        expect(total(stitched)).toBeLessThan(total(raw));
      }
    });
  }

  it('the data tells the rules apart: last link wins, no aliases, or links from rejected messages give other persons', async () => {
    const actual = sortBy(await personsIn('UTC'), ['user_key']);
    const otherRules: Record<string, readonly SentMessage[]> = {
      lastLinkWins: [...log.messages].reverse(),
      aliasesIgnored: log.messages.filter((m) => m.payload.type !== 'alias'),
      rejectedMessagesLink: log.messages.map((m) => ({ ...m, valid: true })),
    };
    for (const [rule, messages] of Object.entries(otherRules)) {
      const other = resolveIdentities(messages);
      const events = log.events.map((e) => ({ ...e, userKey: other.personOf(e.userKey) }));
      const persons = sortBy(referencePersonTables(events, 'UTC').persons, ['user_key']);
      expect({ rule, same: JSON.stringify(persons) === JSON.stringify(actual) }).toEqual({
        rule,
        same: false,
      });
    }
  });

  it('a spec without identity counts persons: the plan stitches', async () => {
    const byDefault = await metric({ metric: 'dau' }, 'UTC');
    expect(byDefault.rows).toEqual((await metric({ metric: 'dau' }, 'UTC', 'stitch')).rows);
  });

  it('a --full run rebuilds the same identity graph and person tables', async () => {
    const tables = IDENTITY_TABLES.map((t) => `cooked.${t}`);
    const incremental = await tableContents(getDb(), tables);
    await runEtl({ warehouse: getDb(), document, mode: 'full' });
    expect(await tableContents(getDb(), tables)).toEqual(incremental);
  }, 600_000);
});

/** Rows sorted by the given columns (collation-independent). */
function sortBy<T extends object>(rows: readonly T[], keys: readonly string[]): T[] {
  const key = (row: T) => keys.map((k) => String((row as Record<string, unknown>)[k])).join('\u0000');
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
