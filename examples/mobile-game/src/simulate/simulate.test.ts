import { describe, expect, it } from 'vitest';
import { simulate } from './simulate.js';
import { addDays, localDay, zonedTimeToUtc } from './zoned-time.js';

describe('simulate', () => {
  const options = { seed: 7, users: 300, days: 30, startDay: '2026-03-01' };

  it('is deterministic for a seed and differs across seeds', () => {
    const a = simulate(options);
    expect(simulate(options)).toEqual(a);
    expect(simulate({ ...options, seed: 8 })).not.toEqual(a);
  });

  it('produces an install per user, in time order, within the simulated days', () => {
    const messages = simulate(options);
    const installs = messages.filter((m) => m.event === 'app_install');
    expect(installs).toHaveLength(options.users);
    for (let i = 1; i < messages.length; i++)
      expect(messages[i]!.at).toBeGreaterThanOrEqual(messages[i - 1]!.at);
    const first = Date.UTC(2026, 1, 28);
    const last = Date.UTC(2026, 2, 1 + options.days + 1);
    for (const m of messages) {
      expect(m.at).toBeGreaterThan(first);
      expect(m.at).toBeLessThan(last);
    }
    // Every user installs on their install day, in their own time zone.
    for (const m of installs) expect(localDay(m.at, m.user.timeZone)).toBe(m.user.installDay);
  });

  it('has retention decay, purchases, several zones, and both level_up versions', () => {
    const messages = simulate(options);
    const activeDays = new Map<number, Set<string>>();
    for (const m of messages) {
      const set = activeDays.get(m.user.index) ?? new Set<string>();
      set.add(localDay(m.at, m.user.timeZone));
      activeDays.set(m.user.index, set);
    }
    const users = new Map(messages.map((m) => [m.user.index, m.user]));
    const retained = (n: number) =>
      [...users.values()].filter((u) => activeDays.get(u.index)?.has(addDays(u.installDay, n))).length;
    expect(retained(1)).toBeGreaterThan(retained(7));
    expect(retained(1)).toBeGreaterThan(0);
    expect(messages.some((m) => m.event === 'purchase')).toBe(true);
    expect(new Set([...users.values()].map((u) => u.timeZone)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(messages.filter((m) => m.event === 'level_up').map((m) => m.version))).toEqual(
      new Set([1, 2]),
    );
  });
});

describe('zoned time', () => {
  it('converts local wall time to UTC across a DST change', () => {
    // New York springs forward on 2026-03-08: 01:30 is EST (UTC−5), 03:30 is EDT (UTC−4).
    expect(new Date(zonedTimeToUtc('2026-03-08', 1.5 * 3600, 'America/New_York')).toISOString()).toBe(
      '2026-03-08T06:30:00.000Z',
    );
    expect(new Date(zonedTimeToUtc('2026-03-08', 3.5 * 3600, 'America/New_York')).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    expect(new Date(zonedTimeToUtc('2026-03-08', 0, 'Asia/Kolkata')).toISOString()).toBe(
      '2026-03-07T18:30:00.000Z',
    );
    expect(localDay(Date.parse('2026-03-08T03:59:00Z'), 'America/New_York')).toBe('2026-03-07');
    expect(localDay(Date.parse('2026-03-08T05:01:00Z'), 'America/New_York')).toBe('2026-03-08');
  });
});
