import type { PlanDocument } from '@tributary/schema';
import type { ExperimentDefinition } from '@tributary/sql';
import { type ExperimentReadout, runExperiment } from '../experiments/run-experiment.js';
import type { SqlRunner } from '../warehouse.js';

/** An experiment's readout as the report embeds it: everything `runExperiment` returns but its SQL. */
export type ReportExperiment = Omit<ExperimentReadout, 'compiled'>;

/** Reads out each experiment over the report's days (exposures on those local days, in its zone). */
export async function collectExperimentData(
  warehouse: SqlRunner,
  definitions: readonly ExperimentDefinition[],
  range: { readonly from: string; readonly to: string; readonly timeZone: string },
  document: PlanDocument,
): Promise<ReportExperiment[]> {
  const out: ReportExperiment[] = [];
  for (const definition of definitions) {
    const { compiled: _sql, ...readout } = await runExperiment(warehouse, definition, range, { document });
    out.push(readout);
  }
  return out;
}
