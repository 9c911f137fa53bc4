import {
  classifyVersions,
  type EventDefinition,
  fromPlanDocument,
  type IdentityMode,
  type ObjectSchema,
  type PlanDocument,
  TributaryError,
} from '@tributary/schema';
import { shortenIdentifier } from '../identifiers.js';
import { eventLines, lineTableName } from '../model/processed-tables.js';
import { contextColumns, type EtlColumn, propertyColumns, STAGE_ALIAS } from './etl-columns.js';
import { jsonPathLiteral, literal } from './sql-text.js';

/** One event version as the ETL loads it. */
export interface EtlEventVersion {
  readonly event: string;
  readonly version: number;
  /** The processed table of its line (`level_up`, `level_up_v3`). */
  readonly table: string;
  readonly definition: EventDefinition;
  readonly properties: readonly EtlColumn[];
  /** Context columns of this event's table (`etl.context` filters them). */
  readonly context: readonly EtlColumn[];
}

/** The versions that share one processed table. */
export interface EtlLine {
  readonly table: string;
  readonly event: string;
  readonly major: number;
  readonly versions: readonly EtlEventVersion[];
}

/** The metric roles, resolved to SQL over the staged row `s`. */
export interface EtlRoles {
  readonly install?: string;
  readonly revenue?: { readonly event: string; readonly amount: string; readonly currency: string };
  readonly inactivityMinutes: number;
  /** Dimension name → its `processed.tracks` column. */
  readonly dimensions: readonly { readonly name: string; readonly column: string }[];
}

/** Everything the ETL generators need, derived once from a plan document. */
export interface EtlPlan {
  readonly name: string;
  readonly additionalProperties: 'reject' | 'flag';
  readonly context: ObjectSchema;
  readonly lines: readonly EtlLine[];
  readonly versions: readonly EtlEventVersion[];
  /** The version a track message without `context.eventVersion` is read as. */
  readonly latestVersion: ReadonlyMap<string, number>;
  /** All context columns: the columns of `processed.tracks`. */
  readonly trackContext: readonly EtlColumn[];
  readonly roles: EtlRoles;
  readonly dedupeByFingerprint: boolean;
  readonly maxEventsPerUserPerMinute?: number;
  readonly userAgentPatterns: readonly string[];
  readonly reportingTimeZones: readonly string[];
  /** `stitch`: identity links and person-level cooked tables are kept; `none`: neither. */
  readonly identityMode: IdentityMode;
}

/** Thrown when the plan's ETL settings cannot be turned into SQL (code `invalid_etl_plan`). */
export class EtlPlanError extends TributaryError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('invalid_etl_plan', message, details);
    this.name = 'EtlPlanError';
  }
}

/** Default inactivity gap that cuts sessions when the tracker sent no session id. */
export const DEFAULT_INACTIVITY_MINUTES = 30;

/** Reads a plan document into the ETL's plan: tables per line, columns with their SQL, roles, settings. */
export function etlPlanOf(
  document: PlanDocument,
  options: { readonly contextColumns?: readonly string[] } = {},
): EtlPlan {
  const plan = fromPlanDocument(document);
  const lines: EtlLine[] = eventLines(classifyVersions(plan)).map((line) => {
    const table = shortenIdentifier(lineTableName(line));
    return {
      table,
      event: line.event,
      major: line.major,
      versions: line.versions.map(({ event }) => ({
        event: event.name,
        version: event.version,
        table,
        definition: event,
        properties: propertyColumns(event),
        context: contextColumns(plan.context, plan.etl, event.etl?.context ?? options.contextColumns),
      })),
    };
  });
  const versions = lines.flatMap((line) => line.versions);
  const latestVersion = new Map<string, number>();
  for (const v of versions) latestVersion.set(v.event, Math.max(v.version, latestVersion.get(v.event) ?? 0));
  const trackContext = contextColumns(plan.context, plan.etl);
  const dimensions = (plan.roles?.dimensions ?? []).map((name) => {
    const column = shortenIdentifier(`context_${name}`);
    if (!trackContext.some((c) => c.name === column))
      throw new EtlPlanError(
        `roles.dimensions: "${name}" has no context column ${column}; name a context field or a split part.`,
      );
    return { name, column };
  });
  const revenue = plan.roles?.revenue;
  return {
    name: plan.name,
    additionalProperties: plan.additionalProperties,
    context: plan.context,
    lines,
    versions,
    latestVersion,
    trackContext,
    roles: {
      ...(plan.roles?.install !== undefined ? { install: plan.roles.install } : {}),
      ...(revenue !== undefined
        ? {
            revenue: {
              event: revenue.event,
              amount: `trim_scale((${STAGE_ALIAS}.payload #>> ${jsonPathLiteral(['properties', ...revenue.amount.split('.')])})::numeric${revenue.unit === 'minor' ? ' / 100' : ''})`,
              currency:
                typeof revenue.currency === 'object'
                  ? literal(revenue.currency.fixed)
                  : revenue.currency !== undefined
                    ? `(${STAGE_ALIAS}.payload #>> ${jsonPathLiteral(['properties', ...revenue.currency.split('.')])})`
                    : 'NULL',
            },
          }
        : {}),
      inactivityMinutes: plan.roles?.session?.inactivityMinutes ?? DEFAULT_INACTIVITY_MINUTES,
      dimensions,
    },
    dedupeByFingerprint: plan.etl?.dedupeByFingerprint === true,
    ...(plan.etl?.spam?.maxEventsPerUserPerMinute !== undefined
      ? { maxEventsPerUserPerMinute: plan.etl.spam.maxEventsPerUserPerMinute }
      : {}),
    userAgentPatterns: plan.etl?.spam?.userAgentPatterns ?? [],
    reportingTimeZones: plan.etl?.reportingTimeZones ?? ['UTC'],
    identityMode: plan.etl?.identity?.mode ?? 'stitch',
  };
}
