import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TributaryError } from './errors.js';
import { defineEvent } from './event.js';
import { assertPlanEvolution, checkPlanEvolution } from './evolution.js';
import { definePlan } from './plan.js';
import { toPlanDocument } from './plan-document.js';

const plan = (events: ReturnType<typeof defineEvent>[]) =>
  toPlanDocument(definePlan({ name: 'game', events }));
const levelUp = (version: number, properties: z.ZodObject, description?: string) =>
  defineEvent({ name: 'level_up', version, properties, ...(description ? { description } : {}) });

describe('checkPlanEvolution', () => {
  const v1 = levelUp(1, z.object({ level: z.int().min(1).max(100) }));

  it('accepts new versions, new events and description changes', () => {
    const next = plan([
      levelUp(1, z.object({ level: z.int().min(1).max(100) }), 'now documented'),
      levelUp(2, z.object({ level: z.string() })),
      defineEvent({ name: 'purchase', version: 1, properties: z.object({ sku: z.string() }) }),
    ]);
    expect(checkPlanEvolution(plan([v1]), next)).toEqual({ ok: true, problems: [] });
  });

  it('refuses a breaking change published under an existing version', () => {
    const result = checkPlanEvolution(
      plan([v1]),
      plan([levelUp(1, z.object({ level: z.int().min(1).max(50) }))]),
    );
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({
      code: 'breaking_under_same_version',
      event: 'level_up',
      version: 1,
      path: 'level',
    });
    expect(result.problems[0]?.message).toMatch(
      /event "level_up" version 1, level: breaking change \(bound_narrowed: .*\) .*define version 2/,
    );
  });

  it('refuses a compatible change under an unchanged version too', () => {
    const result = checkPlanEvolution(
      plan([v1]),
      plan([levelUp(1, z.object({ level: z.int().min(1).max(100), coins: z.int().optional() }))]),
    );
    expect(result.problems.map((p) => [p.code, p.path])).toEqual([['changed_under_same_version', 'coins']]);
  });

  it('refuses removing a published version', () => {
    const result = checkPlanEvolution(plan([v1, levelUp(2, z.object({ level: z.int() }))]), plan([v1]));
    expect(result.problems.map((p) => p.code)).toEqual(['version_removed']);
    expect(result.problems[0]?.message).toMatch(/level_up" version 2 was removed/);
  });

  it('assertPlanEvolution throws a TributaryError listing every problem', () => {
    const next = plan([levelUp(1, z.object({ level: z.string(), extra: z.string() }))]);
    let error: unknown;
    try {
      assertPlanEvolution(plan([v1]), next);
    } catch (e) {
      error = e;
    }
    expect(TributaryError.isInstance(error)).toBe(true);
    expect((error as TributaryError).code).toBe('plan_evolution');
    expect((error as Error).message).toMatch(/level: breaking change \(type_changed/);
    expect((error as Error).message).toMatch(/extra: breaking change \(required_property_added/);
  });
});
