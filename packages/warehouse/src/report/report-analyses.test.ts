import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExperimentDefinition } from '@tributary/sql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WarehouseError } from '../errors.js';
import { runExperiment } from '../experiments/run-experiment.js';
import { runFunnel } from '../funnels/run-funnel.js';
import { runFunnelTimeToConvert } from '../funnels/run-funnel-time-to-convert.js';
import { describeEachDatabase } from '../testing/index.js';
import type { ReportExperiment } from './experiment-data.js';
import type { ReportFunnelSpec } from './funnel-data.js';
import { comparisonCells, intervalMarks } from './render-experiments.js';
import { funnelBarCaption } from './render-funnels.js';
import { renderReportHtml } from './render-report.js';
import { collectReportData } from './report-data.js';
import { formatCount, formatDuration, formatMetricValue, formatShare } from './report-format.js';
import {
  analysisMessages,
  analysisTestDocument as document,
  loadAnalysisMessages,
} from './test-support/analysis-data.js';
import { openReportPage } from './test-support/open-report-page.js';
import { readAnalysesFromPage } from './test-support/read-analyses.js';

// Issues 18 and 19: the report's funnel and experiment sections, opened in headless Chromium, show
// exactly what runFunnel, runFunnelTimeToConvert and runExperiment return, offline.
const range = { from: '2026-03-01', to: '2026-03-28', timeZone: 'America/New_York' } as const;
const now = () => Date.parse('2026-11-29T12:00:00Z');
const messages = analysisMessages({ players: 600, firstDay: '2026-03-01', days: 26 });
const funnels: ReportFunnelSpec[] = [
  {
    title: 'Install → level 5 → first purchase',
    steps: [
      { event: 'app_install' },
      { event: 'level_up', where: { level: { gte: 5 } } },
      { event: 'purchase' },
    ],
    window: '7d',
  },
  { steps: [{ event: 'app_install' }, { event: 'purchase' }], window: '3d', breakdown: 'platform' },
  { steps: [{ event: 'level_up' }, { event: 'purchase' }], window: '1d', order: 'any' },
];
const experiments: ExperimentDefinition[] = [
  {
    key: 'starter-pack',
    variants: ['control', 'cheaper'],
    exposureEvent: 'experiment_viewed',
    metrics: [
      { kind: 'conversion', event: 'purchase', withinDays: 7 },
      { kind: 'revenue', withinDays: 7 },
    ],
  },
  {
    key: 'broken-split',
    variants: ['a', 'b'],
    exposureEvent: 'experiment_viewed',
    metrics: [{ kind: 'conversion', event: 'purchase', withinDays: 7 }],
  },
];

const dir = mkdtempSync(join(tmpdir(), 'tributary-report-analyses-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEachDatabase('the report’s funnels and experiments in headless Chromium', (getDb, engine) => {
  beforeAll(async () => {
    await loadAnalysisMessages(getDb(), messages);
  }, 300_000);

  it('shows every funnel and readout with the library’s values, offline, and saves a screenshot', async () => {
    const data = await collectReportData(getDb(), { ...range, document, funnels, experiments, now });

    // The values the page must show, queried independently of the report code.
    const expectedFunnels: {
      result: Awaited<ReturnType<typeof runFunnel>>;
      histogram: Awaited<ReturnType<typeof runFunnelTimeToConvert>>;
    }[] = [];
    for (const { title: _title, ...spec } of funnels) {
      const full = { ...spec, ...range };
      expectedFunnels.push({
        result: await runFunnel(getDb(), full, { document }),
        histogram: await runFunnelTimeToConvert(getDb(), full, { document }),
      });
    }
    const readouts: ReportExperiment[] = [];
    for (const definition of experiments) {
      const { compiled: _sql, ...readout } = await runExperiment(getDb(), definition, range, { document });
      readouts.push(readout);
    }
    expect(data.funnels?.map((f) => f.groups.map((g) => [g.breakdown, g.steps]))).toEqual(
      expectedFunnels.map((e) => e.result.groups.map((g) => [g.breakdown, g.steps])),
    );
    expect(data.experiments).toEqual(readouts);
    // The data exercises what the sections draw: every step reached, times in most buckets,
    // a breakdown, a histogram-less any-order funnel, a clean split and a broken one.
    const [install, levelFive, purchase] = expectedFunnels[0]?.result.groups[0]?.steps ?? [];
    expect([install?.count, levelFive?.count, purchase?.count].every((n) => (n ?? 0) > 10)).toBe(true);
    const levelTimes = expectedFunnels[0]?.histogram?.groups[0]?.steps[0]?.units ?? [];
    expect(levelTimes.filter((n) => n > 0).length).toBeGreaterThanOrEqual(5);
    expect(levelTimes.reduce((a, b) => a + b, 0)).toBe(levelFive?.count);
    expect(expectedFunnels[1]?.result.groups.map((g) => g.breakdown)).toEqual(['android', 'ios']);
    expect(expectedFunnels[2]?.histogram).toBeNull();
    expect(readouts.map((r) => r.sampleRatio.mismatch)).toEqual([false, true]);
    expect(readouts[0]?.metrics[0]?.comparisons[0]?.cuped.varianceReduction).toBeGreaterThan(0.05);

    const file = join(dir, `report-${engine.kind}.html`);
    writeFileSync(file, renderReportHtml(data));
    const opened = await openReportPage(file, dir);
    try {
      const { page } = opened;
      expect(opened.errors).toEqual([]);
      const shown = await readAnalysesFromPage(page);

      // Funnels: one section each, one group per breakdown value.
      expect(shown.funnels.map((f) => f.title)).toEqual([
        'Install → level 5 → first purchase',
        'app_install → purchase',
        'level_up → purchase',
      ]);
      shown.funnels.forEach((funnel, f) => {
        const expected = expectedFunnels[f] as (typeof expectedFunnels)[number];
        const labels = data.funnels?.[f]?.steps ?? [];
        expect(funnel.groups.map((g) => g.breakdown)).toEqual(
          expected.result.groups.map((g) => g.breakdown ?? ''),
        );
        funnel.groups.forEach((group, g) => {
          const steps = expected.result.groups[g]?.steps ?? [];
          // Bars: count and drop-off as data, caption as text, widths in proportion to the counts.
          expect(group.bars.map((b) => [b.step, b.count, b.dropOff, b.label, b.caption])).toEqual(
            steps.map((s) => [
              s.step,
              s.count,
              s.dropOff,
              `${s.step}. ${labels[s.step - 1]}`,
              funnelBarCaption(s),
            ]),
          );
          const first = steps[0]?.count ?? 0;
          const full = group.bars[0]?.barWidth ?? 0;
          if (first > 0)
            for (const [i, bar] of group.bars.entries()) {
              expect(bar.barWidth).toBeCloseTo((full * (steps[i]?.count ?? 0)) / first, 1);
              expect(bar.dropWidth).toBeCloseTo((full * (steps[i]?.dropOff ?? 0)) / first, 1);
            }
          // The step table.
          expect(group.rows).toEqual(
            steps.map((s) => ({
              count: formatCount(s.count),
              conversionFromFirst: formatShare(s.conversionFromFirst),
              conversionFromPrevious: s.step === 1 ? '' : formatShare(s.conversionFromPrevious),
              dropOff: s.step === 1 ? '' : formatCount(s.dropOff),
              medianSecondsFromPrevious: s.step === 1 ? '' : formatDuration(s.medianSecondsFromPrevious),
              p90SecondsFromPrevious: s.step === 1 ? '' : formatDuration(s.p90SecondsFromPrevious),
            })),
          );
          // Time to convert: one histogram per later step, bars in proportion to the units.
          const histogram = expected.histogram?.groups.find(
            (h) => h.breakdown === expected.result.groups[g]?.breakdown,
          );
          if (expected.histogram === null) {
            expect(group.histograms).toEqual([]);
            expect(group.noHistogram).toBe(true);
            return;
          }
          expect(
            group.histograms.map((h) => [h.step, h.bins.map((b) => [b.bucket, b.units, b.text])]),
          ).toEqual(
            (histogram?.steps ?? []).map((s) => [
              s.step,
              s.units.map((n, b) => [expected.histogram?.buckets[b]?.label, n, String(n)]),
            ]),
          );
          for (const h of group.histograms) {
            const tallest = Math.max(...h.bins.map((b) => b.height));
            const most = Math.max(...h.bins.map((b) => b.units));
            for (const bin of h.bins)
              if (most > 0) expect(bin.height / tallest).toBeCloseTo(bin.units / most, 2);
          }
        });
      });

      // Experiments: variants, the SRM banner only when flagged, warnings, values, comparisons, intervals.
      expect(shown.experiments.map((e) => [e.key, e.banner])).toEqual([
        ['starter-pack', false],
        ['broken-split', true],
      ]);
      shown.experiments.forEach((experiment, x) => {
        const readout = readouts[x] as (typeof readouts)[number];
        const total = readout.variants.reduce((sum, v) => sum + v.units, 0);
        expect(experiment.variants).toEqual(
          readout.variants.map((v) => [
            v.variant,
            formatCount(v.units),
            formatShare(v.units / total),
            formatShare(v.plannedShare),
          ]),
        );
        expect(experiment.warnings).toEqual(readout.warnings);
        expect(experiment.metrics.map((m) => m.name)).toEqual(readout.metrics.map((m) => m.name));
        experiment.metrics.forEach((metric, m) => {
          const expected = readout.metrics[m] as (typeof readout.metrics)[number];
          expect(metric.values).toEqual(
            expected.values.map((v) => [
              v.variant,
              formatCount(v.units),
              formatMetricValue(v.value, expected.proportion),
            ]),
          );
          expect(metric.comparisons).toEqual(
            expected.comparisons.map((c) => ({ variant: c.variant, ...comparisonCells(expected, c) })),
          );
          // The interval chart: each mark's numbers as drawn, and positions on one linear axis through 0.
          const marks = intervalMarks(expected);
          expect(
            metric.intervals.map((i) => [i.kind, i.label, i.caption, i.estimate, i.lower, i.upper]),
          ).toEqual(
            marks.map((k) => [
              k.kind,
              k.label,
              k.caption,
              k.estimate,
              k.interval?.lower ?? null,
              k.interval?.upper ?? null,
            ]),
          );
          const points = metric.intervals.flatMap((i) => [
            [i.lower, i.x1],
            [i.upper, i.x2],
            [i.estimate, i.cx],
          ]) as [number | null, number | null][];
          const drawn = points.filter((p): p is [number, number] => p[0] !== null && p[1] !== null);
          const [far] = [...drawn].sort((a, b) => Math.abs(b[0]) - Math.abs(a[0]));
          expect(far).toBeDefined();
          const perUnit = ((far?.[1] ?? 0) - metric.zero) / (far?.[0] ?? 1);
          for (const [value, x] of drawn)
            expect(Math.abs(x - (metric.zero + perUnit * value))).toBeLessThan(0.05);
        });
      });
      expect(shown.experiments[1]?.bannerText).toBe(
        'Sample ratio mismatch (p < 0.001): do not trust the results below.',
      );

      // The embedded data is the collected data.
      const embedded = await page.evaluate(
        () => (window as unknown as { __TRIBUTARY_REPORT__: unknown }).__TRIBUTARY_REPORT__,
      );
      expect(embedded).toEqual(JSON.parse(JSON.stringify(data)));

      // Offline: nothing but the file itself was requested.
      expect(opened.blocked).toEqual([]);
      expect(opened.requests.every((url) => url.startsWith('file:') || url.startsWith('data:'))).toBe(true);

      // Kept for people to look at: .tributary/ is git-ignored.
      const shots = fileURLToPath(new URL('../../.tributary/', import.meta.url));
      mkdirSync(shots, { recursive: true });
      const screenshot = join(shots, `report-analyses-${engine.kind}.png`);
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    } finally {
      await opened.close();
    }
  }, 180_000);

  it('needs the plan for funnels and experiments, and leaves both sections out without them', async () => {
    const error = await collectReportData(getDb(), { ...range, funnels, now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect(error).toMatchObject({ code: 'report_needs_plan' });
    expect((error as Error).message).toMatch(/funnels are checked against the plan; pass the plan document/);
    const plain = await collectReportData(getDb(), { ...range, document, now });
    expect(plain.funnels).toBeUndefined();
    expect(plain.experiments).toBeUndefined();
    const html = renderReportHtml(plain);
    expect(html).not.toContain('<h2>Funnels');
    expect(html).not.toContain('<h2>Experiments');
  }, 120_000);
});
