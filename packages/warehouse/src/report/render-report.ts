import { escapeHtml } from './html-text.js';
import { experimentSection } from './render-experiments.js';
import { funnelSection } from './render-funnels.js';
import { identitySection } from './render-identity.js';
import { type ReportAssets, reportAssets } from './report-assets.js';
import type { ReportData } from './report-data.js';
import { REPORT_SCRIPT } from './report-script.js';
import { ANALYSIS_STYLES } from './svg-charts.js';

/** JSON safe inside a `<script>` element (no `</script>`, no `<!--`). */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

/** A retention value as the heat map prints it: `42.9%`; NULL → ''. */
export function formatRetention(value: number | null): string {
  return value === null ? '' : `${(value * 100).toFixed(1)}%`;
}

function heatMap(retention: ReportData['retention']): string {
  const prefix = retention.granularity === 'week' ? 'W' : 'D';
  const head = retention.offsets.map((n) => `<th scope="col">${prefix}${n}</th>`).join('');
  const rows = retention.cohorts
    .map((c) => {
      const cells = c.cells
        .map((value, i) => {
          const n = retention.offsets[i];
          if (value === null) return `<td class="cell empty" data-n="${n}"></td>`;
          const style = `background:rgba(37,99,235,${(0.08 + 0.92 * value).toFixed(3)});color:${value > 0.5 ? '#fff' : '#111'}`;
          return `<td class="cell" data-n="${n}" data-value="${value}" style="${style}">${formatRetention(value)}</td>`;
        })
        .join('');
      return `<tr data-cohort="${c.cohort}"><th scope="row">${c.cohort}</th><td class="installs">${c.installs}</td>${cells}</tr>`;
    })
    .join('\n');
  return `<table class="heatmap"><thead><tr><th scope="col">Cohort</th><th scope="col">Installs</th>${head}</tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

/**
 * A self-contained HTML page (no network: uPlot, styles, script and data are inlined; a CSP forbids
 * any fetch) with DAU/WAU/MAU, stickiness, revenue and ARPDAU line charts, a retention heat map
 * and, with person tables, users counted with and without identity stitching; then the configured
 * funnels (bars, drop-off, time-to-convert histograms) and experiment readouts (variants, sample
 * ratio, lifts with interval charts), drawn as inline SVG.
 * The data is embedded as JSON and exposed as `window.__TRIBUTARY_REPORT__`.
 */
export function renderReportHtml(data: ReportData, assets: ReportAssets = reportAssets()): string {
  const title = escapeHtml(data.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${assets.chartStyles}</style>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #111; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
.meta { color: #555; margin-bottom: 16px; }
.chart { max-width: 1000px; }
.heatmap { border-collapse: collapse; font-size: 12px; }
.heatmap th, .heatmap td { padding: 3px 6px; border: 1px solid #e5e7eb; text-align: right; white-space: nowrap; }
.heatmap td.empty { background: #fafafa; }
.note { color: #555; max-width: 1000px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
.figures { border-collapse: collapse; font-size: 13px; }
.figures th, .figures td { padding: 3px 10px; border: 1px solid #e5e7eb; text-align: right; }
.figures tbody th { text-align: left; font-weight: normal; }
</style>
<style>${ANALYSIS_STYLES}</style>
</head>
<body>
<h1>${title}</h1>
<div class="meta">Local days ${escapeHtml(data.from)} to ${escapeHtml(data.to)} in ${escapeHtml(data.timeZone)} · generated ${escapeHtml(data.generatedAt)}</div>
<h2>Active users</h2>
<div class="chart" data-chart="active-users"></div>
<h2>Stickiness</h2>
<div class="chart" data-chart="stickiness"></div>
<h2>Revenue</h2>
<div class="chart" data-chart="revenue"></div>
<h2>ARPDAU</h2>
<div class="chart" data-chart="arpdau"></div>
<h2>Retention (${data.retention.granularity === 'week' ? 'weekly cohorts, week offsets' : 'daily cohorts, day offsets'}; blank = not complete yet)</h2>
<div class="chart" data-chart="retention-heatmap">
${heatMap(data.retention)}
</div>
${data.identity ? identitySection(data.identity) : ''}
${data.funnels?.length ? funnelSection(data.funnels) : ''}
${data.experiments?.length ? experimentSection(data.experiments) : ''}
<script type="application/json" id="tributary-report-data">${scriptJson(data)}</script>
<script>${assets.chartScript.replace(/<\/script/gi, '<\\/script')}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
