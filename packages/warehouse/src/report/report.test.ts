import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runMetric } from '../metrics/run-metric.js';
import { loadThroughEtl } from '../metrics/test-support/load-through-etl.js';
import { syntheticEvents } from '../metrics/test-support/synthetic-events.js';
import { describeEachDatabase } from '../testing/index.js';
import { collectReportData } from './report-data.js';
import { formatRetention, renderReportHtml } from './render-report.js';

// Acceptance 3 of issue 8: the report opened in headless Chromium draws every chart with the
// queried values, makes no network request, and is saved as a screenshot.
const catalog = { reportingTimeZones: ['UTC', 'America/New_York'], dimensions: ['platform', 'country'] };
const events = syntheticEvents({ users: 400, firstDay: '2026-02-01', lastDay: '2026-03-31', seed: 7 });
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
          window as unknown as { __TRIBUTARY_CHARTS__: Record<string, { data: (number | null)[][] }> }
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
            return [name, { data: chart.data, width: canvas?.width ?? 0, inked }];
          }),
        );
      });
      expect(Object.keys(drawn).sort()).toEqual(['active-users', 'arpdau', 'revenue', 'stickiness']);
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
});
