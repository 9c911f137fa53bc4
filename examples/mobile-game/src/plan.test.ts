import { classifyVersions } from '@tributary/schema';
import { describe, expect, it } from 'vitest';
import { plan } from './plan.js';

describe('mobile-game plan', () => {
  it('has the events the demo needs, with level_up v2 compatible with v1', () => {
    expect(plan.events.map((e) => `${e.name}@${e.version}`)).toEqual([
      'app_install@1',
      'experiment_viewed@1',
      'level_up@1',
      'level_up@2',
      'purchase@1',
      'session_end@1',
      'session_start@1',
    ]);
    const v2 = classifyVersions(plan).find((c) => c.event.name === 'level_up' && c.event.version === 2);
    expect(v2?.fromPrevious?.kind).toBe('compatible');
    expect(v2?.major).toBe(1);
  });
});
