import { type Compatibility, compareEventVersions } from './compatibility.js';
import { TributaryError } from './errors.js';
import type { EventDefinition } from './event.js';
import { eventNames, eventVersions, type Plan } from './plan.js';
import { fromPlanDocument, type PlanDocument } from './plan-document.js';

/** One version of an event and the line it belongs to: versions joined by compatible steps share a table. */
export interface ClassifiedVersion {
  readonly event: EventDefinition;
  /** The version that started this line of compatible versions (1 for the first line). */
  readonly major: number;
  /** The step from the previous version; undefined for the first version. */
  readonly fromPrevious?: Compatibility;
}

/**
 * Classifies each version of each event against the version before it. A breaking step starts a
 * new major line (a new processed table `<event>_v<version>`); a compatible one joins the line.
 */
export function classifyVersions(plan: Plan): ClassifiedVersion[] {
  const out: ClassifiedVersion[] = [];
  for (const name of eventNames(plan)) {
    let previous: EventDefinition | undefined;
    let major = 0;
    for (const event of eventVersions(plan, name)) {
      if (!previous) {
        major = event.version;
        out.push({ event, major });
      } else {
        const fromPrevious = compareEventVersions(previous, event);
        if (fromPrevious.kind === 'breaking') major = event.version;
        out.push({ event, major, fromPrevious });
      }
      previous = event;
    }
  }
  return out;
}

export interface EvolutionProblem {
  readonly code: 'changed_under_same_version' | 'breaking_under_same_version' | 'version_removed';
  readonly event: string;
  readonly version: number;
  readonly path: string;
  readonly reason: string;
  readonly message: string;
}

export interface EvolutionResult {
  readonly ok: boolean;
  readonly problems: readonly EvolutionProblem[];
}

/**
 * Checks that a plan evolved safely from a published document: a published version's schema may
 * not change (descriptions aside), and a breaking change must get a new version number.
 */
export function checkPlanEvolution(
  previous: PlanDocument | Plan,
  current: PlanDocument | Plan,
): EvolutionResult {
  const before = 'kind' in previous ? previous : fromPlanDocument(previous);
  const after = 'kind' in current ? current : fromPlanDocument(current);
  const problems: EvolutionProblem[] = [];
  const index = new Map(after.events.map((e) => [`${e.name}@${e.version}`, e]));
  for (const old of before.events) {
    const now = index.get(`${old.name}@${old.version}`);
    if (!now) {
      problems.push({
        code: 'version_removed',
        event: old.name,
        version: old.version,
        path: '',
        reason: 'a published version was removed from the plan',
        message: `event "${old.name}" version ${old.version} was removed; published versions stay in the plan (data of that version exists). Restore it and add a new version instead.`,
      });
      continue;
    }
    const step = compareEventVersions(old, now);
    const real = step.changes.filter((c) => c.change !== 'description_changed');
    for (const change of real) {
      const breaking = change.kind === 'breaking';
      const next = Math.max(...after.events.filter((e) => e.name === old.name).map((e) => e.version)) + 1;
      problems.push({
        code: breaking ? 'breaking_under_same_version' : 'changed_under_same_version',
        event: old.name,
        version: old.version,
        path: change.path,
        reason: change.reason,
        message: `event "${old.name}" version ${old.version}, ${change.path || '(event)'}: ${breaking ? 'breaking change' : 'change'} (${change.change}: ${change.reason}) published under the existing version number; keep version ${old.version} as it was and define version ${next}.`,
      });
    }
  }
  return { ok: problems.length === 0, problems };
}

/** Throws a TributaryError listing every problem when checkPlanEvolution finds any. */
export function assertPlanEvolution(previous: PlanDocument | Plan, current: PlanDocument | Plan): void {
  const result = checkPlanEvolution(previous, current);
  if (!result.ok) {
    throw new TributaryError(
      'plan_evolution',
      `The plan changed published event versions:\n${result.problems.map((p) => `- ${p.message}`).join('\n')}`,
      {
        problems: result.problems,
      },
    );
  }
}
