/**
 * The stages of one ETL chunk, in order. Validation (stage 2 of the design) runs inside the
 * extract statement, in the same pass over the raw rows.
 */
export const ETL_STAGES = ['extract', 'classify', 'load', 'cook'] as const;
export type EtlStage = (typeof ETL_STAGES)[number];

/** Runtime values a statement takes as `$1…$n`, in the order listed in `params`. */
export type EtlParam = 'fromSeq' | 'toSeq' | 'timeZones';

/** What a statement returns: nothing, the rows loaded, or the chunk's counts. */
export type EtlResult =
  | { readonly kind: 'none' }
  /** `{ tracks, event, message }`: rows inserted into processed.tracks, the event tables, the message tables. */
  | { readonly kind: 'loaded' }
  | { readonly kind: 'counts' };

/** One generated statement of the ETL: plain data the runner executes in the chunk's transaction. */
export interface EtlStatement {
  readonly stage: EtlStage;
  /** Short description, printed as a comment by `compileEtlSql`. */
  readonly name: string;
  /** One statement, unformatted (formatting is for people; the runner sends this text). */
  readonly sql: string;
  readonly params: readonly EtlParam[];
  readonly result: EtlResult;
}

/** The staging table a chunk works in (a temporary table dropped at commit). */
export const STAGE_TABLE = 'etl_stage';

export const NONE: EtlResult = { kind: 'none' };

/** Shorthand for a statement. */
export function statement(
  stage: EtlStage,
  name: string,
  sql: string,
  params: readonly EtlParam[] = [],
  result: EtlResult = NONE,
): EtlStatement {
  return { stage, name, sql, params, result };
}

/** `ANALYZE <temporary table>`: without statistics the planner joins staged rows by nested loops. */
export function analyzeStatement(stage: EtlStage, table: string, columns: readonly string[]): EtlStatement {
  return statement(
    stage,
    `statistics of ${table} for the planner`,
    `ANALYZE ${table} (${columns.join(', ')})`,
  );
}
