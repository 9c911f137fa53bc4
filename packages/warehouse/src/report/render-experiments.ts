import type { MetricComparison, MetricReadout } from '../experiments/run-experiment.js';
import type { ReportExperiment } from './experiment-data.js';
import { escapeHtml } from './html-text.js';
import {
  formatCount,
  formatDifference,
  formatInterval,
  formatLift,
  formatMetricValue,
  formatP,
  formatPValue,
  formatShare,
} from './report-format.js';
import { type IntervalMark, intervalChartSvg } from './svg-charts.js';

/** An estimate with its interval: `+0.52 pp [−0.40 pp, +1.44 pp]`; without an interval the estimate alone. */
function estimateWithInterval(
  estimate: number | null,
  interval: MetricComparison['test']['interval'],
  format: (value: number) => string,
): string {
  if (estimate === null) return 'n/a';
  return interval === null ? format(estimate) : `${format(estimate)} ${formatInterval(interval, format)}`;
}

/** The figures of one comparison as the table prints them, keyed by the cell's `data-field`. */
export function comparisonCells(metric: MetricReadout, c: MetricComparison): Record<string, string> {
  const difference = (v: number) => formatDifference(v, metric.proportion);
  const lift = c.test.relativeLift;
  const cupedLift = c.cuped.adjusted.relativeLift;
  return {
    difference: estimateWithInterval(c.test.difference, c.test.interval, difference),
    lift: estimateWithInterval(lift.estimate, lift.interval, formatLift),
    pValue: formatPValue(c.test.pValue),
    cupedLift: estimateWithInterval(cupedLift.estimate, cupedLift.interval, formatLift),
    cupedVarianceReduction: formatShare(c.cuped.varianceReduction),
    sequential: formatInterval(c.sequential.interval, difference),
    ...(c.test.reason ? { note: c.test.reason } : {}),
  };
}

/** Row labels of the comparisons table, by `data-field`. */
const COMPARISON_ROWS: readonly (readonly [string, string])[] = [
  ['difference', 'Difference [CI]'],
  ['lift', 'Relative lift [CI]'],
  ['pValue', 'p-value'],
  ['cupedLift', 'CUPED relative lift [CI]'],
  ['cupedVarianceReduction', 'CUPED variance reduction'],
  ['sequential', 'Sequential difference [always valid]'],
  ['note', 'Note'],
];

const level = (alpha: number) => `${Math.round((1 - alpha) * 100)}%`;

/** The marks of a metric's interval chart: per treatment, the test, CUPED and the sequential interval. */
export function intervalMarks(metric: MetricReadout): IntervalMark[] {
  const difference = (v: number) => formatDifference(v, metric.proportion);
  return metric.comparisons.flatMap((c) => [
    {
      label: `${c.variant} − ${c.control}: ${metric.proportion ? 'z-test' : 'Welch'} ${level(c.test.alpha)}`,
      kind: 'test' as const,
      estimate: c.test.difference,
      interval: c.test.interval,
      caption: formatInterval(c.test.interval, difference),
    },
    {
      label: `${c.variant} − ${c.control}: CUPED ${level(c.cuped.adjusted.alpha)}`,
      kind: 'cuped' as const,
      estimate: c.cuped.adjusted.difference,
      interval: c.cuped.adjusted.interval,
      caption: formatInterval(c.cuped.adjusted.interval, difference),
    },
    {
      label: `${c.variant} − ${c.control}: sequential ${level(c.sequential.alpha)}`,
      kind: 'sequential' as const,
      estimate: c.test.difference,
      interval: c.sequential.interval,
      caption: formatInterval(c.sequential.interval, difference),
    },
  ]);
}

function metricBlock(metric: MetricReadout): string {
  const values = metric.values
    .map(
      (v) =>
        `<tr data-variant="${escapeHtml(v.variant)}"><th scope="row">${escapeHtml(v.variant)}</th>` +
        `<td data-field="units">${formatCount(v.units)}</td>` +
        `<td data-field="value">${formatMetricValue(v.value, metric.proportion)}</td></tr>`,
    )
    .join('\n');
  const cells = metric.comparisons.map((c) => comparisonCells(metric, c));
  const head = metric.comparisons
    .map(
      (c) =>
        `<th scope="col" data-variant="${escapeHtml(c.variant)}">${escapeHtml(c.variant)} vs ${escapeHtml(c.control)}</th>`,
    )
    .join('');
  const comparisons = COMPARISON_ROWS.filter(([field]) => cells.some((c) => c[field] !== undefined))
    .map(
      ([field, label]) =>
        `<tr data-field="${field}"><th scope="row">${label}</th>${metric.comparisons
          .map(
            (c, i) =>
              `<td data-variant="${escapeHtml(c.variant)}">${escapeHtml(cells[i]?.[field] ?? '')}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('\n');
  const unit = metric.proportion ? 'percentage points' : 'per exposed unit';
  return `<div class="metric" data-metric="${escapeHtml(metric.name)}">
<h4>${escapeHtml(metric.name)}</h4>
<div class="metric-tables">
<table class="figures" data-table="metric-values"><thead><tr><th scope="col">Variant</th><th scope="col">Units</th><th scope="col">${metric.proportion ? 'Rate' : 'Mean per unit'}</th></tr></thead>
<tbody>
${values}
</tbody></table>
<table class="figures" data-table="comparisons"><thead><tr><th scope="col"></th>${head}</tr></thead>
<tbody>
${comparisons}
</tbody></table>
</div>
<p class="note">Difference from the control (${unit}): blue the ${metric.proportion ? 'two-proportion z-test' : 'Welch t-test'}, green CUPED (the same metric before exposure as covariate), purple the always-valid interval you may check at any time. An interval clear of the dashed zero line is significant.</p>
${intervalChartSvg(intervalMarks(metric), (v) => formatDifference(v, metric.proportion))}
</div>`;
}

/** The readout's warnings; with a sample-ratio mismatch, in a red box headed by it. */
function warningsBox(e: ReportExperiment): string {
  const srm = e.sampleRatio.mismatch === true;
  if (e.warnings.length === 0 && !srm) return '';
  const heading = srm
    ? `<strong data-banner="srm">Sample ratio mismatch (${escapeHtml(formatP(e.sampleRatio.pValue))}): do not trust the results below.</strong>\n`
    : '';
  const items = e.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('\n');
  return `<div class="warnings${srm ? ' srm' : ''}"${srm ? ' role="alert"' : ''}>
${heading}<ul data-list="warnings">
${items}
</ul></div>
`;
}

/**
 * The experiments section: per experiment the exposed units per variant with the planned share,
 * a sample-ratio-mismatch banner when flagged, the readout's warnings, and per metric the
 * variants' values, the comparisons (difference, lift, p-value, CUPED, sequential) and an
 * interval chart around 0.
 */
export function experimentSection(experiments: readonly ReportExperiment[]): string {
  const sections = experiments.map((e) => {
    const total = e.variants.reduce((sum, v) => sum + v.units, 0);
    const variants = e.variants
      .map(
        (v) =>
          `<tr data-variant="${escapeHtml(v.variant)}"><th scope="row">${escapeHtml(v.variant)}</th>` +
          `<td data-field="units">${formatCount(v.units)}</td>` +
          `<td data-field="share">${formatShare(total === 0 ? null : v.units / total)}</td>` +
          `<td data-field="plannedShare">${formatShare(v.plannedShare)}</td></tr>`,
      )
      .join('\n');
    const unit = e.identity === 'stitch' ? 'person' : 'user key';
    return `<section class="experiment" data-experiment="${escapeHtml(e.key)}">
<h3>Experiment ${escapeHtml(e.key)}</h3>
<p class="note">Exposures on local days ${escapeHtml(e.from)} to ${escapeHtml(e.to)} (${escapeHtml(e.timeZone)}). Each ${unit} is counted in the variant of their first exposure; the first variant is the control.</p>
${warningsBox(e)}<table class="figures" data-table="variants"><thead><tr><th scope="col">Variant</th><th scope="col">Exposed ${unit}s</th><th scope="col">Share</th><th scope="col">Planned share</th></tr></thead>
<tbody>
${variants}
</tbody></table>
<p class="note" data-field="sample-ratio">Sample ratio: χ² test against the planned split, ${escapeHtml(formatP(e.sampleRatio.pValue))} (flagged below ${e.sampleRatio.threshold}). Excluded: ${formatCount(e.excluded.multipleVariants)} exposed to several variants, ${formatCount(e.excluded.unknownVariant)} to a variant not in the definition.</p>
${e.metrics.map(metricBlock).join('\n')}
</section>`;
  });
  return `<h2>Experiments</h2>
${sections.join('\n')}`;
}
