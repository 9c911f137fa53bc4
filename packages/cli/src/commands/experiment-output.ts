import type { ExperimentReadout, MetricComparison, MetricReadout } from '@tributary/warehouse';
import { alignTable, formatPercent } from './human-format.js';

/**
 * Renders a readout: the readout as JSON (without the compiled SQL, which `--sql` prints), or for
 * people the warnings first, then exposures per variant with the sample-ratio test, then per metric
 * the value per variant and each treatment against the control.
 */
export function renderExperiment(
  readout: ExperimentReadout,
  format: 'table' | 'json',
  alpha: number,
): string {
  if (format === 'json') {
    const { compiled: _sql, ...rest } = readout;
    return `${JSON.stringify(rest, null, 2)}\n`;
  }
  const level = `${Number(((1 - alpha) * 100).toFixed(4))}%`;
  const total = readout.variants.reduce((sum, v) => sum + v.units, 0);
  const lines = [
    `Experiment ${readout.key}: first exposures ${readout.from}..${readout.to} (${readout.timeZone}), ${readout.identity === 'stitch' ? 'persons (stitched)' : 'user keys (raw)'}, ${level} intervals`,
    '',
    ...(readout.warnings.length === 0
      ? ['Warnings: none.']
      : ['Warnings:', ...readout.warnings.map((w) => `  ! ${w}`)]),
    '',
    ...alignTable(
      [
        ['variant', 'exposed', 'share', 'planned'],
        ...readout.variants.map((v) => [
          v.variant,
          String(v.units),
          total > 0 ? formatPercent(v.units / total) : '',
          formatPercent(v.plannedShare),
        ]),
      ],
      [0],
    ),
    `excluded: ${readout.excluded.multipleVariants} saw more than one variant, ${readout.excluded.unknownVariant} saw a variant not in the definition`,
    sampleRatioLine(readout.sampleRatio),
  ];
  for (const metric of readout.metrics) lines.push('', ...metricLines(metric, level));
  return `${lines.join('\n')}\n`;
}

function sampleRatioLine(srm: ExperimentReadout['sampleRatio']): string {
  if (srm.statistic === null || srm.pValue === null) return `sample ratio: not tested (${srm.reason})`;
  return `sample ratio: χ² = ${srm.statistic.toFixed(2)}, ${pText(srm.pValue)}: ${srm.mismatch ? 'MISMATCH' : 'no mismatch'} (flagged when p < ${srm.threshold})`;
}

function metricLines(metric: MetricReadout, level: string): string[] {
  const value = (v: number | null) =>
    v === null ? '' : metric.proportion ? `${(v * 100).toFixed(2)}%` : v.toFixed(4);
  return [
    `${metric.name} (${metric.kind}, ${metric.proportion ? 'a proportion' : 'a mean per unit'})`,
    ...alignTable(
      [
        ['variant', 'units', 'value', 'before exposure'],
        ...metric.values.map((v) => [v.variant, String(v.units), value(v.value), value(v.preExposureValue)]),
      ],
      [0],
    ),
    ...metric.comparisons.flatMap((c) => comparisonLines(c, metric.proportion, level)),
  ];
}

function comparisonLines(c: MetricComparison, proportion: boolean, level: string): string[] {
  const difference = (d: number) => (proportion ? `${signed(d * 100, 2)} pp` : signed(d, 4));
  const lift = (l: number) => `${signed(l * 100, 1)}%`;
  const interval = (
    i: { lower: number; upper: number } | null,
    f: (x: number) => string,
    label = `${level} CI`,
  ) => (i === null ? '' : `${label} [${f(i.lower)}, ${f(i.upper)}]`);
  const row = (
    label: string,
    estimate: number | null,
    f: (x: number) => string,
    rest: readonly string[],
    reason: string | null,
  ) =>
    estimate === null
      ? [label, 'n/a', reason ? `(${reason})` : '']
      : [label, f(estimate), ...rest.filter((r) => r !== ''), ...(reason ? [`(${reason})`] : [])];
  const { test, cuped, sequential } = c;
  const reduction =
    cuped.varianceReduction === null ? '' : `variance reduction ${formatPercent(cuped.varianceReduction)}`;
  const rows = [
    row(
      'difference',
      test.difference,
      difference,
      [interval(test.interval, difference), test.pValue === null ? '' : pText(test.pValue)],
      test.reason,
    ),
    row(
      'lift',
      test.relativeLift.estimate,
      lift,
      [interval(test.relativeLift.interval, lift)],
      test.relativeLift.reason,
    ),
    row(
      'CUPED lift',
      cuped.adjusted.relativeLift.estimate,
      lift,
      [interval(cuped.adjusted.relativeLift.interval, lift), reduction],
      cuped.reason ?? cuped.adjusted.relativeLift.reason,
    ),
    row(
      'sequential',
      test.difference,
      difference,
      [interval(sequential.interval, difference, `${level} always-valid`)],
      sequential.reason,
    ),
  ];
  return [`  ${c.variant} vs ${c.control}:`, ...alignTable(rows, [0, 1, 2, 3, 4]).map((l) => `    ${l}`)];
}

function signed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return value > 0 && !/^0\.0*$/.test(text) ? `+${text}` : text;
}

function pText(p: number): string {
  return p < 0.001 ? `p = ${p.toExponential(1)}` : `p = ${p.toFixed(3)}`;
}
