import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { funnelStepLabel } from '@tributary/warehouse';
import { type SimulatedMessage, simulate } from '../simulate/simulate.js';
import { formatExperimentSummary, formatFunnelSummary } from './analysis-summary.js';
import { levelFiveFunnel } from './demo-analyses.js';
import { runDemo } from './run-demo.js';
import { formatSummary, pooledRatio, pooledRetention } from './summary.js';

const engines = [
  { name: 'embedded PGlite', databaseUrl: undefined },
  ...(process.env.DATABASE_URL ? [{ name: 'PostgreSQL', databaseUrl: process.env.DATABASE_URL }] : []),
];

describe.each(engines)('the demo end to end on $name', ({ databaseUrl }) => {
  it('migrates, collects simulated traffic over HTTP, runs the ETL, prints metrics and writes the report', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'tributary-demo-'));
    // A migrations folder left by an earlier run (here a file that is not SQL) is not applied.
    mkdirSync(join(workDir, 'migrations'));
    writeFileSync(join(workDir, 'migrations', '0001_stale.sql'), 'this is not sql;\n');
    const lines: string[] = [];
    const result = await runDemo({
      users: 120,
      days: 10,
      seed: 3,
      ...(databaseUrl ? { databaseUrl } : {}),
      workDir,
      reportPath: join(workDir, 'report.html'),
      log: (line) => lines.push(line),
      now: Date.UTC(2026, 2, 20, 12),
    });
    const output = lines.join('\n');
    expect(output).toContain('generated 0001_mobile_game.sql');
    for (const step of [
      'Database and migrations',
      'Collector',
      'Simulating 120 players over 10 days',
      'ETL',
      'Metrics',
      'Funnel: Install → level 5 → purchase (within 7d of install)',
      'Experiment starter-pack-price',
      'Report',
    ]) {
      expect(output).toContain(`▸ ${step}`);
    }
    expect(output).toMatch(/100% {2}[\d,]+ \/ [\d,]+/);
    // Every message the simulator produced reached raw.events and went through the ETL.
    expect(result.etl.extracted).toBe(result.sent);
    expect(result.etl.loaded).toBe(result.sent);
    expect(result.etl.rejected + result.etl.duplicates).toBe(0);
    const { summary } = result;
    expect(summary.lastDay).toBe('2026-03-19');
    expect(summary.persons.mau).toBeGreaterThanOrEqual(summary.persons.dau);
    expect(summary.persons.installs).toBeGreaterThan(100);
    expect(summary.persons.d1).toBeGreaterThan(0);
    // Persons and user keys as the simulated messages make them, computed here from the messages.
    const expected = expectedCounts(
      simulate({ seed: 3, users: 120, days: 10, startDay: '2026-03-10' }),
      '2026-03-10',
      '2026-03-19',
    );
    expect(summary.identity).toEqual(expected.identity);
    expect(summary.identity.links).toBeGreaterThan(60);
    expect({
      dau: summary.persons.dau,
      mau: summary.persons.mau,
      installs: summary.persons.installs,
    }).toEqual(expected.persons);
    expect({
      dau: summary.userKeys.dau,
      mau: summary.userKeys.mau,
      installs: summary.userKeys.installs,
    }).toEqual(expected.userKeys);
    // Anonymous first sessions (and second devices, when a player adds one) split players only when counted raw.
    expect(summary.userKeys.mau).toBeGreaterThan(summary.persons.mau);
    expect(summary.userKeys.installs).toBeGreaterThanOrEqual(summary.persons.installs);
    expect(output).toContain(formatSummary(result.summary));

    // The funnel and the experiment readout, printed and checked against the simulated messages.
    const [installed, levelFive, purchased] = result.funnel.groups[0]?.steps ?? [];
    expect(installed?.count).toBe(expected.funnelEntries);
    expect((installed?.count ?? 0) >= (levelFive?.count ?? 0)).toBe(true);
    expect((levelFive?.count ?? 0) >= (purchased?.count ?? 0)).toBe(true);
    expect(output).toContain(
      formatFunnelSummary(levelFiveFunnel.steps.map(funnelStepLabel), result.funnel.groups[0]?.steps ?? []),
    );
    const { experiment } = result;
    expect(expected.experiment.every((v) => v.units > 40)).toBe(true);
    expect(expected.experiment.some((v) => v.converted > 0)).toBe(true);
    expect(experiment.variants.map((v) => [v.variant, v.units])).toEqual(
      expected.experiment.map((v) => [v.variant, v.units]),
    );
    expect(experiment.excluded).toEqual({ multipleVariants: 0, unknownVariant: 0 });
    expect(experiment.metrics[0]?.values.map((v) => [v.variant, v.value])).toEqual(
      expected.experiment.map((v) => [v.variant, v.converted / v.units]),
    );
    expect(JSON.stringify(experiment)).not.toMatch(/NaN/);
    expect(output).toContain(formatExperimentSummary(experiment));

    expect(existsSync(result.reportPath)).toBe(true);
    const html = readFileSync(result.reportPath, 'utf8');
    expect(html).toContain('Mobile game — Tributary demo');
    expect(html).toContain('<h3>Install → level 5 → purchase</h3>');
    expect(html).toContain('<section class="experiment" data-experiment="starter-pack-price">');
  }, 240_000);
});

/**
 * DAU and MAU on the last day and installs over the range (UTC days), per person and per user key,
 * the identity graph's totals, the funnel's entries and the experiment's exposed and converted
 * persons, from the simulated messages: an anonymous id belongs to the first user id it was sent
 * with (messages are sent in time order), a user key is the user id, else the anonymous id.
 */
function expectedCounts(messages: readonly SimulatedMessage[], from: string, to: string) {
  const targets = new Map<string, string[]>();
  for (const m of messages) {
    if (m.userId === undefined) continue;
    const seen = targets.get(m.device.anonymousId) ?? [];
    if (!seen.includes(m.userId)) targets.set(m.device.anonymousId, [...seen, m.userId]);
  }
  const personOf = (m: SimulatedMessage) =>
    m.userId ?? targets.get(m.device.anonymousId)?.[0] ?? m.device.anonymousId;
  const inRange = (m: SimulatedMessage) => {
    const day = new Date(m.at).toISOString().slice(0, 10);
    return day >= from && day <= to;
  };
  const count = (keyOf: (m: SimulatedMessage) => string) => {
    const lastDay = new Set<string>();
    const month = new Set<string>();
    const installDay = new Map<string, string>();
    for (const m of messages) {
      if (m.type !== 'track') continue;
      const day = new Date(m.at).toISOString().slice(0, 10);
      const key = keyOf(m);
      if (day === to) lastDay.add(key);
      if (day <= to) month.add(key);
      if (m.event === 'app_install' && !installDay.has(key)) installDay.set(key, day);
    }
    const installs = [...installDay.values()].filter((day) => day >= from && day <= to).length;
    return { dau: lastDay.size, mau: month.size, installs };
  };
  return {
    identity: {
      links: targets.size,
      conflicts: [...targets.values()].reduce((sum, t) => sum + t.length - 1, 0),
    },
    persons: count(personOf),
    userKeys: count((m) => m.userId ?? m.device.anonymousId),
    funnelEntries: new Set(messages.filter((m) => m.event === 'app_install' && inRange(m)).map(personOf))
      .size,
    experiment: experimentOutcomes(messages, personOf, inRange),
  };
}

/**
 * Per variant of the starter-pack experiment: persons whose first exposure is in the range, and
 * how many of them bought within 7 days of it.
 */
function experimentOutcomes(
  messages: readonly SimulatedMessage[],
  personOf: (m: SimulatedMessage) => string,
  inRange: (m: SimulatedMessage) => boolean,
) {
  const exposed = new Map<string, { variant: string; at: number }>();
  for (const m of messages)
    if (m.event === 'experiment_viewed' && !exposed.has(personOf(m)))
      exposed.set(personOf(m), { variant: String(m.properties.variant), at: m.at });
  const converted = new Set<string>();
  for (const m of messages) {
    const e = exposed.get(personOf(m));
    if (m.event === 'purchase' && e && m.at >= e.at && m.at < e.at + 7 * 86_400_000)
      converted.add(personOf(m));
  }
  const firstExposures = messages.filter(
    (m) => m.event === 'experiment_viewed' && exposed.get(personOf(m))?.at === m.at && inRange(m),
  );
  return ['control', 'cheaper'].map((variant) => {
    const persons = firstExposures.filter((m) => m.properties.variant === variant).map(personOf);
    return { variant, units: persons.length, converted: persons.filter((p) => converted.has(p)).length };
  });
}

describe('summary lines', () => {
  it('puts persons and user keys side by side, then the identity totals', () => {
    const figures = {
      dau: 198,
      mau: 1492,
      stickiness: 0.1327,
      d1: 0.32,
      d7: 0.172,
      arpdau: 0.0561,
      conversion: 0.01,
      installs: 1485,
    };
    const summary = {
      lastDay: '2026-12-05',
      persons: figures,
      userKeys: { ...figures, dau: 201, mau: 1830, stickiness: 0.11, d1: null, installs: 1526 },
      revenue: 315.13,
      identity: { links: 1178, conflicts: 11 },
    };
    expect(formatSummary(summary).split('\n')).toEqual([
      '                                     persons (stitched)  user keys (raw)',
      '  DAU (2026-12-05)                   198                 201',
      '  MAU (2026-12-05)                   1492                1830',
      '  DAU/MAU                            13.3%               11.0%',
      '  D1 retention                       32.0%               n/a',
      '  D7 retention                       17.2%               17.2%',
      '  ARPDAU                             $0.056              $0.056',
      '  Conversion (first purchase ÷ DAU)  1.0%                1.0%',
      '  Installs                           1485                1526',
      '  Revenue                            $315.13             $315.13',
      '  Identity graph                     1178 links, 11 conflicts (kept apart)',
    ]);
  });
});

describe('summary arithmetic', () => {
  it('pools retention over complete cohorts and ratios over days', () => {
    expect(
      pooledRetention([
        { installs: 10, retained: 5 },
        { installs: 30, retained: 6 },
        { installs: 99, retained: null },
      ]),
    ).toBeCloseTo(11 / 40);
    expect(pooledRetention([{ installs: 5, retained: null }])).toBeNull();
    expect(
      pooledRatio([
        { num: 2, den: 10 },
        { num: 1, den: 30 },
      ]),
    ).toBeCloseTo(3 / 40);
    expect(pooledRatio([])).toBeNull();
  });
});
