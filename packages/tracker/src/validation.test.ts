import { describe, expect, it } from 'vitest';
import { TrackerError } from './errors.js';
import { harness } from './test-helpers/harness.js';
import { testPlan } from './test-helpers/plan.js';
import { type PropertyViolation, zodPropertyValidator } from './validation.js';

describe('dev-mode validation (onViolation)', () => {
  const bad = { level: 0, character: 'bard', extra: true } as never;

  it("'throw' throws a TrackerError listing every violation and queues nothing", () => {
    const { tracker } = harness({ onViolation: 'throw' });
    let error: unknown;
    try {
      tracker.track('level_up', bad);
    } catch (caught) {
      error = caught;
    }
    expect(TrackerError.isInstance(error)).toBe(true);
    const violations = (error as TrackerError).details.violations as PropertyViolation[];
    // The rules of @tributary/validate, the same the collector applies.
    expect(violations.map((v) => [v.path, v.rule]).sort()).toEqual([
      ['properties.character', 'enum'],
      ['properties.extra', 'additional_property'],
      ['properties.level', 'minimum'],
    ]);
    expect(violations.find((v) => v.path === 'properties.level')!.received).toBe('0');
    expect(tracker.queuedCount).toBe(0);
  });

  it("'warn' reports and still sends; 'off' does not validate", async () => {
    const warned = harness({ onViolation: 'warn' });
    warned.tracker.track('level_up', bad);
    expect(warned.warnings[0]).toMatch(
      /level_up v2 breaks the tracking plan: .*properties\.level: expected at least 1/,
    );
    expect(warned.tracker.queuedCount).toBe(1);
    const off = harness({
      onViolation: 'off',
      validator: () => [{ path: 'x', rule: 'r', expected: 'e', received: 'r', message: 'm' }],
    });
    off.tracker.track('level_up', bad);
    expect(off.warnings).toEqual([]);
  });

  it('a function receives the violations', () => {
    const seen: string[] = [];
    const { tracker } = harness({
      onViolation: (v) => seen.push(`${v.event}@${v.version}:${v.violations.length}`),
    });
    tracker.track('level_up', { level: 1 }, { version: 1 });
    tracker.track('level_up', { level: 'x' } as never, { version: 1 });
    expect(seen).toEqual(['level_up@1:1']);
  });

  it('validates against the selected version', () => {
    const { tracker } = harness({ onViolation: 'throw' });
    expect(() => tracker.track('level_up', { level: 2 }, { version: 1 })).not.toThrow();
    expect(() => tracker.track('level_up', { level: 2 } as never)).toThrow(/character/);
  });
});

describe('zodPropertyValidator (fallback when code generation is blocked)', () => {
  it('reports zod issues and undeclared properties with paths', () => {
    const validate = zodPropertyValidator(testPlan);
    const levelUp = testPlan.events.find((e) => e.name === 'level_up' && e.version === 2)!;
    const violations = validate(levelUp, { level: 0, character: 'bard', extra: true });
    expect(violations.map((v) => [v.path, v.rule])).toEqual([
      ['properties.level', 'too_small'],
      ['properties.character', 'invalid_value'],
      ['properties.extra', 'additional_property'],
    ]);
    expect(validate(levelUp, { level: 1, character: 'mage' })).toEqual([]);
  });
});
