import type { Interval } from '@tributary/stats';
import { escapeHtml } from './html-text.js';

/**
 * The report's category charts as inline SVG, drawn when the page is written (no script, no
 * network): funnel bars, time-to-convert histograms and interval charts. Each mark carries its
 * value in a `data-` attribute (exact `String(number)`), so a test can read back what was drawn.
 */

/** Coordinates to two decimals: enough for the screen, stable in text. */
const px = (value: number): string => String(Math.round(value * 100) / 100);

/** One step of a funnel bar chart. */
export interface FunnelBar {
  readonly step: number;
  readonly label: string;
  readonly count: number;
  /** Units of the previous step that did not reach this one (drawn after the bar). */
  readonly dropOff: number;
  readonly caption: string;
}

const BAR = { width: 1000, label: 210, plot: 360, row: 34, height: 22 } as const;

/** Horizontal bars, one per step: the count (solid) then the drop-off from the previous step (pale). */
export function funnelBarsSvg(bars: readonly FunnelBar[]): string {
  const max = Math.max(1, ...bars.map((b) => b.count + b.dropOff));
  const scale = (n: number) => (n / max) * BAR.plot;
  const height = bars.length * BAR.row + 8;
  const rows = bars.map((bar, i) => {
    const y = 4 + i * BAR.row;
    const x = BAR.label;
    const w = scale(bar.count);
    const d = scale(bar.dropOff);
    return `<g class="funnel-step" data-step="${bar.step}" data-count="${bar.count}" data-drop-off="${bar.dropOff}">
<text class="label" x="${BAR.label - 8}" y="${px(y + BAR.height / 2)}" text-anchor="end" dominant-baseline="middle">${escapeHtml(bar.label)}</text>
<rect class="bar" x="${x}" y="${y}" width="${px(w)}" height="${BAR.height}"></rect>
<rect class="drop" x="${px(x + w)}" y="${y}" width="${px(d)}" height="${BAR.height}"></rect>
<text class="caption" x="${BAR.label + BAR.plot + 8}" y="${px(y + BAR.height / 2)}" dominant-baseline="middle">${escapeHtml(bar.caption)}</text>
</g>`;
  });
  return `<svg class="svg-chart" data-chart-kind="funnel-bars" data-max="${max}" viewBox="0 0 ${BAR.width} ${height}" width="${BAR.width}" height="${height}" role="img" aria-label="Funnel: units per step, and drop-off from the previous step">
${rows.join('\n')}
</svg>`;
}

const HIST = { width: 430, height: 190, top: 20, bottom: 34, left: 8, right: 8 } as const;

/** Vertical bars, one per time-to-convert bucket, each labelled with its units. */
export function histogramSvg(buckets: readonly string[], units: readonly number[], label: string): string {
  const max = Math.max(1, ...units);
  const plot = HIST.height - HIST.top - HIST.bottom;
  const slot = (HIST.width - HIST.left - HIST.right) / Math.max(1, buckets.length);
  const base = HIST.height - HIST.bottom;
  const bins = buckets.map((bucket, i) => {
    const n = units[i] ?? 0;
    const h = (n / max) * plot;
    const x = HIST.left + i * slot;
    const center = px(x + slot / 2);
    return `<g class="bin" data-bucket="${escapeHtml(bucket)}" data-units="${n}">
<rect x="${px(x + slot * 0.12)}" y="${px(base - h)}" width="${px(slot * 0.76)}" height="${px(h)}"></rect>
<text class="units" x="${center}" y="${px(base - h - 4)}" text-anchor="middle">${n}</text>
<text class="bucket" x="${center}" y="${base + 16}" text-anchor="middle">${escapeHtml(bucket)}</text>
</g>`;
  });
  return `<svg class="svg-chart" data-chart-kind="histogram" data-max="${max}" viewBox="0 0 ${HIST.width} ${HIST.height}" width="${HIST.width}" height="${HIST.height}" role="img" aria-label="${escapeHtml(label)}">
<line class="axis" x1="${HIST.left}" y1="${base}" x2="${HIST.width - HIST.right}" y2="${base}"></line>
${bins.join('\n')}
</svg>`;
}

/** One interval of an interval chart. */
export interface IntervalMark {
  readonly label: string;
  /** Picks the colour: the fixed-horizon test, CUPED, or the always-valid sequence. */
  readonly kind: 'test' | 'cuped' | 'sequential';
  readonly estimate: number | null;
  readonly interval: Interval | null;
  readonly caption: string;
}

const IV = { width: 900, label: 250, plot: 420, row: 26, top: 10, axis: 30 } as const;

/**
 * Horizontal intervals on one axis symmetric around 0 (dashed), each with a dot at its estimate:
 * an interval clear of the zero line is significant at its level.
 */
export function intervalChartSvg(marks: readonly IntervalMark[], format: (value: number) => string): string {
  const extent =
    Math.max(
      0,
      ...marks.flatMap((m) => [
        Math.abs(m.interval?.lower ?? 0),
        Math.abs(m.interval?.upper ?? 0),
        Math.abs(m.estimate ?? 0),
      ]),
    ) * 1.1 || 1;
  const left = IV.label;
  const zero = left + IV.plot / 2;
  const x = (v: number) => zero + (v / extent) * (IV.plot / 2);
  const plotBottom = IV.top + marks.length * IV.row;
  const height = plotBottom + IV.axis;
  const rows = marks.map((mark, i) => {
    const y = IV.top + i * IV.row + IV.row / 2;
    const data = `data-kind="${mark.kind}" data-estimate="${mark.estimate ?? ''}" data-lower="${mark.interval?.lower ?? ''}" data-upper="${mark.interval?.upper ?? ''}"`;
    const drawn = mark.interval
      ? `<line class="range" x1="${px(x(mark.interval.lower))}" y1="${px(y)}" x2="${px(x(mark.interval.upper))}" y2="${px(y)}"></line>
<line class="cap" x1="${px(x(mark.interval.lower))}" y1="${px(y - 6)}" x2="${px(x(mark.interval.lower))}" y2="${px(y + 6)}"></line>
<line class="cap" x1="${px(x(mark.interval.upper))}" y1="${px(y - 6)}" x2="${px(x(mark.interval.upper))}" y2="${px(y + 6)}"></line>`
      : '';
    const dot =
      mark.estimate === null
        ? ''
        : `<circle class="estimate" cx="${px(x(mark.estimate))}" cy="${px(y)}" r="4"></circle>`;
    return `<g class="interval ${mark.kind}" ${data}>
<text class="label" x="${left - 8}" y="${px(y)}" text-anchor="end" dominant-baseline="middle">${escapeHtml(mark.label)}</text>
${drawn}${dot}
<text class="caption" x="${left + IV.plot + 10}" y="${px(y)}" dominant-baseline="middle">${escapeHtml(mark.caption)}</text>
</g>`;
  });
  const ticks = [-1, -0.5, 0, 0.5, 1].map(
    (t) =>
      `<text class="tick" x="${px(x(t * extent))}" y="${plotBottom + 18}" text-anchor="middle">${t === 0 ? '0' : escapeHtml(format(t * extent))}</text>`,
  );
  return `<svg class="svg-chart" data-chart-kind="intervals" data-extent="${extent}" data-zero="${px(zero)}" viewBox="0 0 ${IV.width} ${height}" width="${IV.width}" height="${height}" role="img" aria-label="Differences from the control with their intervals">
<line class="zero" x1="${px(zero)}" y1="${IV.top - 4}" x2="${px(zero)}" y2="${plotBottom}"></line>
<line class="axis" x1="${left}" y1="${plotBottom}" x2="${left + IV.plot}" y2="${plotBottom}"></line>
${ticks.join('\n')}
${rows.join('\n')}
</svg>`;
}

/** Styles of the SVG charts and of the funnel and experiment sections. */
export const ANALYSIS_STYLES = `
.svg-chart { display: block; max-width: 100%; height: auto; font: 12px system-ui, sans-serif; }
.svg-chart text { fill: #111; }
.svg-chart .caption, .svg-chart .tick, .svg-chart .bucket { fill: #555; }
.funnel-step .bar { fill: #2563eb; } .funnel-step .drop { fill: #fecaca; }
.bin rect { fill: #0f766e; } .svg-chart .axis { stroke: #9ca3af; }
.interval .range, .interval .cap { stroke-width: 2.5; } .svg-chart .zero { stroke: #6b7280; stroke-dasharray: 4 3; }
.interval.test .range, .interval.test .cap { stroke: #2563eb; } .interval.test .estimate { fill: #2563eb; }
.interval.cuped .range, .interval.cuped .cap { stroke: #16a34a; } .interval.cuped .estimate { fill: #16a34a; }
.interval.sequential .range, .interval.sequential .cap { stroke: #9333ea; } .interval.sequential .estimate { fill: #9333ea; }
.histograms { display: flex; flex-wrap: wrap; gap: 12px 24px; }
.histograms figure { margin: 0; } .histograms figcaption { font-size: 12px; color: #555; margin-bottom: 2px; }
.warnings { max-width: 1000px; background: #fef9c3; border: 1px solid #eab308; border-radius: 6px; padding: 8px 14px; margin: 8px 0; }
.warnings ul { margin: 0; padding-left: 18px; }
.warnings.srm { background: #fee2e2; border-color: #dc2626; color: #7f1d1d; }
.warnings.srm strong { display: block; margin-bottom: 4px; }
table[data-table="funnel-steps"] th, table[data-table="comparisons"] td, table[data-table="comparisons"] th { white-space: nowrap; }
.metric-tables { display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: flex-start; }
h4 { font-size: 13px; margin: 14px 0 6px; }
`;
