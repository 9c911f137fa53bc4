import type { FunnelStepResult } from '@tributary/sql';
import type { ExperimentReadout, MetricReadout } from '@tributary/warehouse';

const MINUS = '−';
const percent = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const signed = (text: string, v: number) =>
  v < 0 && !/^0\.0+\D*$/.test(text) ? `${MINUS}${text}` : `+${text}`;
const lift = (v: number) => signed(`${Math.abs(v * 100).toFixed(1)}%`, v);
const points = (v: number) => signed(`${Math.abs(v * 100).toFixed(2)} pp`, v);
const amount = (v: number) => signed(Math.abs(v).toFixed(3), v);
const pValue = (p: number | null) => (p === null ? 'p n/a' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);
const interval = (i: { lower: number; upper: number } | null, f: (v: number) => string) =>
  i === null ? 'n/a' : `[${f(i.lower)}, ${f(i.upper)}]`;

/** Time from the previous step as people read it: `42 s`, `12.5 min`, `3.2 h`, `1.5 d`. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return 'n/a';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3_600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 86_400) return `${(seconds / 3_600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** A funnel's steps as aligned lines: count, conversion from step 1 and from the previous step, median time. */
export function formatFunnelSummary(labels: readonly string[], steps: readonly FunnelStepResult[]): string {
  const rows = steps.map((s) => [
    `${s.step}. ${labels[s.step - 1] ?? s.event}`,
    s.count.toLocaleString('en-US'),
    s.step === 1
      ? 'entered'
      : [
          `${percent(s.conversionFromFirst)} of step 1`,
          ...(s.step > 2 ? [`${percent(s.conversionFromPrevious)} of step ${s.step - 1}`] : []),
          `median ${formatSeconds(s.medianSecondsFromPrevious)} after step ${s.step - 1}`,
        ].join(', '),
  ]);
  const width = (i: number) => Math.max(...rows.map((r) => (r[i] ?? '').length));
  return rows
    .map(
      ([label, count, rest]) =>
        `  ${(label ?? '').padEnd(width(0))}  ${(count ?? '').padStart(width(1))}  ${rest}`,
    )
    .join('\n');
}

function metricLines(metric: MetricReadout): string[] {
  const value = (v: number | null) => (v === null ? 'n/a' : metric.proportion ? percent(v) : v.toFixed(3));
  const difference = metric.proportion ? points : amount;
  const lines = [
    `  ${metric.name}: ${metric.values.map((v) => `${v.variant} ${value(v.value)}`).join(', ')}`,
  ];
  for (const c of metric.comparisons) {
    const test = metric.proportion ? 'two-proportion z-test' : 'Welch t-test';
    const rel = c.test.relativeLift;
    const cuped = c.cuped.adjusted.relativeLift;
    lines.push(
      rel.estimate === null
        ? `    ${c.variant} vs ${c.control}: no lift (${c.test.reason ?? rel.reason ?? 'not computable'})`
        : `    ${c.variant} vs ${c.control}: lift ${lift(rel.estimate)} ${interval(rel.interval, lift)}, ${pValue(c.test.pValue)} (${test})`,
      cuped.estimate === null
        ? `    CUPED: n/a (${c.cuped.reason ?? cuped.reason ?? 'not computable'})`
        : c.cuped.theta === 0
          ? '    CUPED: nothing to adjust (the metric before exposure is the same for every unit)'
          : `    CUPED: lift ${lift(cuped.estimate)} ${interval(cuped.interval, lift)}, variance reduction ${percent(c.cuped.varianceReduction)}`,
      `    sequential (always valid): difference ${interval(c.sequential.interval, difference)}`,
    );
  }
  return lines;
}

/** An experiment readout as lines: variants with the planned split, the sample-ratio check, each metric, warnings. */
export function formatExperimentSummary(readout: ExperimentReadout): string {
  const unit = readout.identity === 'stitch' ? 'persons' : 'user keys';
  const variants = readout.variants
    .map((v) => `${v.variant} ${v.units.toLocaleString('en-US')} (planned ${percent(v.plannedShare)})`)
    .join(', ');
  const srm = readout.sampleRatio;
  const verdict = srm.mismatch === null ? 'not testable' : srm.mismatch ? 'MISMATCH' : 'no mismatch';
  return [
    `  exposed ${unit}: ${variants}`,
    `  sample ratio: ${pValue(srm.pValue)}, ${verdict} (flagged below ${srm.threshold})`,
    ...readout.metrics.flatMap(metricLines),
    ...readout.warnings.map((w) => `  ! ${w}`),
  ].join('\n');
}
