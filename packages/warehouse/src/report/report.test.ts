import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runMetric } from '../metrics/run-metric.js';
import { loadThroughEtl } from '../metrics/test-support/load-through-etl.js';
import { type SyntheticEvent, syntheticEvents } from '../metrics/test-support/synthetic-events.js';
import { describeEachDatabase } from '../testing/index.js';
import { formatComparison } from './render-identity.js';
import { collectReportData } from './report-data.js';
import { formatRetention, renderReportHtml } from './render-report.js';

// Acceptance 3 of issue 8: the report opened in headless Chromium draws every chart with the
// queried values, makes no network request, and is saved as a screenshot. Issue 17: it also shows
// users counted with and without identity stitching.
const catalog = {
  reportingTimeZones: ['UTC', 'America/New_York'],
  dimensions: ['platform', 'country'],
  identityMode: 'stitch',
} as const;
const events = withIdentityCases(
  syntheticEvents({ users: 400, firstDay: '2026-02-01', lastDay: '2026-03-31', seed: 7 }),
);
const range = { from: '2026-03-01', to: '2026-03-28', timeZone: 'America/New_York' } as const;
const now = () => Date.parse('2026-11-29T12:00:00Z');
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A third of the users with both ids play their first active day anonymously (anonymous id only;
 * both ids afterwards, which links them), and one user id is later seen on another user's
 * anonymous id (a conflict).
 */
function withIdentityCases(list: readonly SyntheticEvent[]): SyntheticEvent[] {
  const firstDay = new Map<string, string>();
  for (const e of list) {
    const day = new Date(e.at).toISOString().slice(0, 10);
    const seen = firstDay.get(e.userKey);
    if (!seen || day < seen) firstDay.set(e.userKey, day);
  }
  const out = list.map((e) =>
    e.userId !== null &&
    e.anonymousId !== null &&
    Number(e.userId.slice(1)) % 3 === 0 &&
    new Date(e.at).toISOString().slice(0, 10) === firstDay.get(e.userKey)
      ? { ...e, userId: null, userKey: e.anonymousId }
      : e,
  );
  const linked = out.find((e) => e.userId !== null && e.anonymousId !== null);
  const other = out.findIndex(
    (e) => e.userId !== null && e.anonymousId === null && e.userId !== linked?.userId,
  );
  if (!linked || other < 0) throw new Error('the synthetic data has no users to link');
  out[other] = { ...(out[other] as SyntheticEvent), anonymousId: linked.anonymousId };
  return out;
}

/** Links and conflicts computed from the events: each anonymous id's distinct user ids. */
function expectedGraph(list: readonly SyntheticEvent[]): { links: number; conflicts: number } {
  const targets = new Map<string, Set<string>>();
  for (const e of list)
    if (e.userId !== null && e.anonymousId !== null)
      targets.set(e.anonymousId, (targets.get(e.anonymousId) ?? new Set()).add(e.userId));
  const sizes = [...targets.values()].map((t) => t.size);
  return { links: sizes.length, conflicts: sizes.reduce((sum, n) => sum + n - 1, 0) };
}

const dir = mkdtempSync(join(tmpdir(), 'tributary-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEachDatabase('the HTML report in headless Chromium', (getDb, engine) => {
  beforeAll(async () => {
    await loadThroughEtl(getDb(), events, catalog.reportingTimeZones);
  }, 300_000);

  it('draws every chart with the queried values, offline, and saves a screenshot', async () => {
    const data = await collectReportData(getDb(), { ...range, catalog, now });
    const file = join(dir, `report-${engine.kind}.html`);
    writeFileSync(file, renderReportHtml(data));

    // The values the charts must show, queried independently of the report code.
    const run = { catalog, now };
    const stickiness = (await runMetric(getDb(), { ...range, metric: 'stickiness' }, run)).rows;
    const wau = (await runMetric(getDb(), { ...range, metric: 'wau' }, run)).rows;
    const arpdau = (await runMetric(getDb(), { ...range, metric: 'arpdau' }, run)).rows;
    const triangle = (
      await runMetric(getDb(), { ...range, metric: 'retention_triangle', maxOffset: 14 }, run)
    ).rows;
    expect(stickiness.some((r) => r.dau > 0)).toBe(true);
    expect(arpdau.some((r) => r.revenue > 0)).toBe(true);
    expect(triangle.some((r) => r.retention === null)).toBe(true);
    // Persons and user keys, queried one by one.
    const counted = async (identity: 'stitch' | 'raw') => {
      const daily = (await runMetric(getDb(), { ...range, metric: 'stickiness', identity }, run)).rows;
      const installs = (await runMetric(getDb(), { ...range, metric: 'installs', identity }, run)).rows;
      const retention = async (days: number) => {
        const rows = (await runMetric(getDb(), { ...range, metric: 'retention', days, identity }, run)).rows;
        const complete = rows.filter((r) => r.retained !== null);
        const sum = (f: (r: (typeof rows)[number]) => number) => complete.reduce((a, r) => a + f(r), 0);
        return sum((r) => r.retained ?? 0) / sum((r) => r.installs);
      };
      return {
        daily,
        figures: {
          dau: daily.at(-1)?.dau as number,
          mau: daily.at(-1)?.mau as number,
          installs: installs.reduce((a, r) => a + r.installs, 0),
          d1: await retention(1),
          d7: await retention(7),
        },
      };
    };
    const persons = await counted('stitch');
    const userKeys = await counted('raw');
    // The anonymous first days split users when counted raw, and only then.
    expect(userKeys.figures.mau).toBeGreaterThan(persons.figures.mau);
    expect(userKeys.figures.d1).toBeLessThan(persons.figures.d1);
    expect(stickiness.map((r) => r.mau)).toEqual(persons.daily.map((r) => r.mau));

    const context = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1100, height: 900 },
    });
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      const blocked: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
        blocked.push(url);
        return route.abort();
      });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(
        () =>
          (window as unknown as { __TRIBUTARY_CHARTS_READY__?: boolean }).__TRIBUTARY_CHARTS_READY__ === true,
      );
      expect(errors).toEqual([]);

      // Every line chart: a canvas with drawn pixels, holding the queried series.
      const drawn = await page.evaluate(() => {
        const charts = (
          window as unknown as {
            __TRIBUTARY_CHARTS__: Record<
              string,
              { data: (number | null)[][]; series: { label: string; dash?: number[] }[] }
            >;
          }
        ).__TRIBUTARY_CHARTS__;
        return Object.fromEntries(
          Object.entries(charts).map(([name, chart]) => {
            const canvas = document.querySelector<HTMLCanvasElement>(`[data-chart="${name}"] canvas`);
            let inked = 0;
            if (canvas) {
              const pixels =
                canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
              for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] as number) > 0) inked++;
            }
            const series = chart.series.slice(1).map((s) => ({ label: s.label, dashed: Boolean(s.dash) }));
            return [name, { data: chart.data, series, width: canvas?.width ?? 0, inked }];
          }),
        );
      });
      expect(Object.keys(drawn).sort()).toEqual([
        'active-users',
        'arpdau',
        'identity',
        'revenue',
        'stickiness',
      ]);
      for (const chart of Object.values(drawn)) {
        expect(chart.width).toBeGreaterThan(0);
        expect(chart.inked).toBeGreaterThan(500);
      }
      const xs = stickiness.map((r) => Date.parse(`${r.day}T00:00:00Z`) / 1000);
      expect(drawn['active-users']?.data).toEqual([
        xs,
        stickiness.map((r) => r.dau),
        wau.map((r) => r.wau),
        stickiness.map((r) => r.mau),
      ]);
      expect(drawn.stickiness?.data).toEqual([xs, stickiness.map((r) => r.stickiness)]);
      expect(drawn.revenue?.data).toEqual([xs, arpdau.map((r) => r.revenue)]);
      expect(drawn.arpdau?.data).toEqual([xs, arpdau.map((r) => r.arpdau)]);
      // Identity: DAU and MAU per person (solid) and per user key (dashed).
      expect(drawn.identity?.data).toEqual([
        xs,
        persons.daily.map((r) => r.dau),
        userKeys.daily.map((r) => r.dau),
        persons.daily.map((r) => r.mau),
        userKeys.daily.map((r) => r.mau),
      ]);
      expect(drawn.identity?.series).toEqual([
        { label: 'DAU persons', dashed: false },
        { label: 'DAU user keys', dashed: true },
        { label: 'MAU persons', dashed: false },
        { label: 'MAU user keys', dashed: true },
      ]);
      const compared = await page.$$eval('[data-table="identity-compared"] tbody tr', (rows) =>
        rows.map((row) => [
          row.getAttribute('data-key'),
          row.querySelector('th')?.textContent,
          row.querySelector('td[data-identity="stitch"]')?.textContent,
          row.querySelector('td[data-identity="raw"]')?.textContent,
        ]),
      );
      const labels = {
        dau: `DAU (${range.to})`,
        mau: `MAU (${range.to})`,
        installs: 'Installs',
        d1: 'D1 retention',
        d7: 'D7 retention',
      };
      expect(compared).toEqual(
        (['dau', 'mau', 'installs', 'd1', 'd7'] as const).map((key) => {
          const kind = key === 'd1' || key === 'd7' ? 'ratio' : 'count';
          return [
            key,
            labels[key],
            formatComparison(kind, persons.figures[key]),
            formatComparison(kind, userKeys.figures[key]),
          ];
        }),
      );
      const graph = Object.fromEntries(
        await page.$$eval('[data-table="identity-graph"] tr', (rows) =>
          rows.map((row) => [row.getAttribute('data-key'), Number(row.querySelector('td')?.textContent)]),
        ),
      );
      const expected = expectedGraph(events);
      expect(expected.conflicts).toBe(1);
      expect(graph).toEqual({ ...expected, loopedIds: 0, selfAliases: 0, identifiesWithoutUserId: 0 });

      // The heat map: one cell per cohort and offset, text = the queried retention, NULL blank.
      const cells = await page.$$eval('[data-chart="retention-heatmap"] tbody tr', (rows) =>
        rows.flatMap((row) =>
          [...row.querySelectorAll('td.cell')].map((td) => ({
            cohort: row.getAttribute('data-cohort'),
            n: Number(td.getAttribute('data-n')),
            text: td.textContent,
          })),
        ),
      );
      expect(cells).toEqual(
        triangle.map((r) => ({ cohort: r.cohort, n: r.n, text: formatRetention(r.retention) })),
      );
      expect(cells.some((c) => c.text === '')).toBe(true);
      expect(cells.some((c) => c.text?.endsWith('%'))).toBe(true);

      // The embedded data is exposed to the page as queried.
      const embedded = await page.evaluate(
        () => (window as unknown as { __TRIBUTARY_REPORT__: unknown }).__TRIBUTARY_REPORT__,
      );
      expect(embedded).toEqual(JSON.parse(JSON.stringify(data)));

      // Offline: nothing but the file itself was requested.
      expect(blocked).toEqual([]);
      expect(requests.every((url) => url.startsWith('file:') || url.startsWith('data:'))).toBe(true);

      // Kept for people to look at: .tributary/ is git-ignored.
      const shots = fileURLToPath(new URL('../../.tributary/', import.meta.url));
      mkdirSync(shots, { recursive: true });
      const screenshot = join(shots, `report-${engine.kind}.png`);
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('leaves the identity section out without person tables', async () => {
    const data = await collectReportData(getDb(), {
      ...range,
      catalog: { ...catalog, identityMode: 'none' },
      now,
    });
    expect(data.identity).toBeUndefined();
    expect(renderReportHtml(data)).not.toContain('data-chart="identity"');
  }, 60_000);
});
