import type { PlanDocument } from '@tributary/schema';
import {
  type CompiledExperiment,
  compileExperiment,
  type ExperimentDefinition,
  type ExperimentWindow,
  type FunnelCatalog,
  funnelCatalogOf,
  type ResolvedExperimentMetric,
} from '@tributary/sql';
import {
  type ConfidenceSequenceResult,
  type CupedResult,
  confidenceSequence,
  cupedWelchTTest,
  type SampleRatioMismatchResult,
  sampleRatioMismatch,
  type TwoProportionZTestResult,
  twoProportionZTest,
  type WelchTTestResult,
  welchTTest,
} from '@tributary/stats';
import type { SqlRunner } from '../warehouse.js';
import { queryFunnelStatement } from '../funnels/run-funnel.js';

/** The plan a readout is checked against, and statistics options. */
export type RunExperimentOptions = (
  | { readonly document: PlanDocument }
  | { readonly catalog: FunnelCatalog }
) & {
  /** Two-sided significance level (default 0.05). */
  readonly alpha?: number;
};

/** One variant's value of a metric. */
export interface VariantValue {
  readonly variant: string;
  readonly units: number;
  /** Mean of the metric per unit (a rate for proportions); null without units. */
  readonly value: number | null;
  /** Mean of the pre-exposure covariate. */
  readonly preExposureValue: number | null;
}

/** A treatment against the control, on one metric. */
export interface MetricComparison {
  readonly variant: string;
  readonly control: string;
  /** Two-proportion z-test for proportions, Welch's t-test for means. */
  readonly test: TwoProportionZTestResult | WelchTTestResult;
  /** CUPED with the same metric before the exposure as covariate. */
  readonly cuped: CupedResult;
  /** An always-valid interval for the difference (may be looked at any time). */
  readonly sequential: ConfidenceSequenceResult;
}

export interface MetricReadout {
  readonly name: string;
  readonly kind: ResolvedExperimentMetric['kind'];
  readonly proportion: boolean;
  readonly values: readonly VariantValue[];
  readonly comparisons: readonly MetricComparison[];
}

/** What `runExperiment` returns: assignment, sample-ratio check, metrics, and warnings in words. */
export interface ExperimentReadout {
  readonly key: string;
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly identity: 'stitch' | 'raw';
  readonly variants: readonly {
    readonly variant: string;
    readonly units: number;
    readonly plannedShare: number;
  }[];
  /** Units exposed to more than one variant (excluded), and to a variant not in the definition (excluded). */
  readonly excluded: { readonly multipleVariants: number; readonly unknownVariant: number };
  readonly sampleRatio: SampleRatioMismatchResult;
  readonly metrics: readonly MetricReadout[];
  /** Plain statements a reader must see first (no exposures, one variant only, sample-ratio mismatch, exclusions). */
  readonly warnings: readonly string[];
  readonly compiled: CompiledExperiment;
}

interface SumsRow {
  readonly variant: string;
  readonly n: number;
  readonly sum_y: number;
  readonly sum_yy: number;
  readonly sum_x: number;
  readonly sum_xx: number;
  readonly sum_xy: number;
}

const EMPTY = { n: 0, sum_y: 0, sum_yy: 0, sum_x: 0, sum_xx: 0, sum_xy: 0 };

/** Sample variance from sums (0 below two units, where the tests report why they cannot run). */
function variance(n: number, sum: number, squares: number): number {
  if (n < 2) return 0;
  return Math.max(0, (squares - (sum * sum) / n) / (n - 1));
}

/**
 * Reads out an experiment: assignment by first exposure (persons when the plan stitches), the
 * sample-ratio mismatch test against the planned split, and per metric and treatment the
 * difference and relative lift with intervals and p-values (two-proportion z-test or Welch),
 * CUPED-adjusted, and an always-valid interval. Never NaN: what cannot be computed is null with a
 * reason, and `warnings` says so in words.
 *
 * @example
 * const readout = await runExperiment(warehouse, starterPack, { from: '2026-03-01', to: '2026-03-31' }, { document });
 * readout.metrics[0].comparisons[0].test.relativeLift; // { estimate: 0.1, interval: { lower, upper }, … }
 */
export async function runExperiment<P = never>(
  warehouse: SqlRunner,
  definition: ExperimentDefinition<NoInfer<P>>,
  window: ExperimentWindow,
  options: RunExperimentOptions,
): Promise<ExperimentReadout> {
  const catalog = 'catalog' in options ? options.catalog : funnelCatalogOf(options.document);
  const compiled = compileExperiment<P>(definition, window, catalog);
  const alpha = options.alpha;
  const tests = alpha === undefined ? {} : { alpha };
  const assignment = await warehouse.query<{ kind: string; variant: string | null; units: number }>(
    compiled.assignment.sql,
    compiled.assignment.parameters,
  );
  const unitsOf = (variant: string) =>
    Number(assignment.find((r) => r.kind === 'assigned' && r.variant === variant)?.units ?? 0);
  const counts = compiled.variants.map(unitsOf);
  const total = counts.reduce((a, b) => a + b, 0);
  const weightSum = compiled.weights.reduce((a, b) => a + b, 0);
  const excluded = {
    multipleVariants: Number(assignment.find((r) => r.kind === 'multiple')?.units ?? 0),
    unknownVariant: Number(assignment.find((r) => r.kind === 'unknown')?.units ?? 0),
  };
  const sampleRatio = sampleRatioMismatch(counts, compiled.weights);
  const metrics: MetricReadout[] = [];
  for (const { metric, sql, parameters } of compiled.metrics) {
    // With JIT off, as runFunnel: a metric over millions of rows is costed far above
    // `jit_above_cost`; the 5-step funnel metric of bench/funnels took 5.3–6.2 s with JIT, 1.0 s without.
    const rows = (await queryFunnelStatement<SumsRow>(warehouse, sql, parameters)).map((r) => ({
      ...r,
      n: Number(r.n),
      sum_y: Number(r.sum_y),
      sum_yy: Number(r.sum_yy),
      sum_x: Number(r.sum_x),
      sum_xx: Number(r.sum_xx),
      sum_xy: Number(r.sum_xy),
    }));
    const sumsOf = (variant: string) => rows.find((r) => r.variant === variant) ?? { ...EMPTY, variant };
    const values = compiled.variants.map((variant) => {
      const s = sumsOf(variant);
      return {
        variant,
        units: s.n,
        value: s.n > 0 ? s.sum_y / s.n : null,
        preExposureValue: s.n > 0 ? s.sum_x / s.n : null,
      };
    });
    const control = sumsOf(compiled.variants[0] as string);
    const comparisons = compiled.variants.slice(1).map((variant) => {
      const treatment = sumsOf(variant);
      const test = metric.proportion
        ? twoProportionZTest(
            { n: control.n, conversions: control.sum_y },
            { n: treatment.n, conversions: treatment.sum_y },
            tests,
          )
        : welchTTest(
            {
              n: control.n,
              mean: control.n > 0 ? control.sum_y / control.n : 0,
              variance: variance(control.n, control.sum_y, control.sum_yy),
            },
            {
              n: treatment.n,
              mean: treatment.n > 0 ? treatment.sum_y / treatment.n : 0,
              variance: variance(treatment.n, treatment.sum_y, treatment.sum_yy),
            },
            tests,
          );
      const cuped = cupedWelchTTest(cupedSums(control), cupedSums(treatment), tests);
      const sequential = confidenceSequence(
        { estimate: test.difference, standardError: test.standardError, sampleSize: control.n + treatment.n },
        tests,
      );
      return { variant, control: compiled.variants[0] as string, test, cuped, sequential };
    });
    metrics.push({
      name: metric.name,
      kind: metric.kind,
      proportion: metric.proportion,
      values,
      comparisons,
    });
  }
  const warnings: string[] = [];
  if (total === 0)
    warnings.push(
      `No exposures to "${compiled.key}" between ${window.from} and ${window.to}: nothing to compare.`,
    );
  else if (counts.filter((c) => c > 0).length === 1)
    warnings.push(
      `All ${total} exposed units saw "${compiled.variants[counts.findIndex((c) => c > 0)]}": no other variant to compare with.`,
    );
  if (sampleRatio.mismatch === true)
    warnings.push(
      `Sample ratio mismatch (p = ${sampleRatio.pValue?.toExponential(2)} < ${sampleRatio.threshold}): the split ${counts.join(' / ')} does not match the planned ${compiled.weights.join(' / ')}; the assignment or the exposure logging is broken, so the results below are not trustworthy.`,
    );
  if (excluded.multipleVariants > 0)
    warnings.push(`${excluded.multipleVariants} units saw more than one variant and are excluded.`);
  if (excluded.unknownVariant > 0)
    warnings.push(`${excluded.unknownVariant} units saw a variant not in the definition and are excluded.`);
  return {
    key: compiled.key,
    from: window.from,
    to: window.to,
    timeZone: compiled.timeZone,
    identity: compiled.identity,
    variants: compiled.variants.map((variant, i) => ({
      variant,
      units: counts[i] ?? 0,
      plannedShare: (compiled.weights[i] ?? 0) / weightSum,
    })),
    excluded,
    sampleRatio,
    metrics,
    warnings,
    compiled,
  };
}

function cupedSums(s: SumsRow | (typeof EMPTY & { variant: string })) {
  return {
    n: s.n,
    metricSum: s.sum_y,
    metricSquaresSum: s.sum_yy,
    covariateSum: s.sum_x,
    covariateSquaresSum: s.sum_xx,
    productSum: s.sum_xy,
  };
}
