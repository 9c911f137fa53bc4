import { describe, expect, it } from 'vitest';
import { STARTER_PACK_EXPERIMENT, type SimulatedMessage, simulate } from './simulate.js';
import { addDays, localDay, zonedTimeToUtc } from './zoned-time.js';

describe('simulate', () => {
  const options = { seed: 7, users: 300, days: 30, startDay: '2026-03-01' };

  it('is deterministic for a seed and differs across seeds', () => {
    const a = simulate(options);
    expect(simulate(options)).toEqual(a);
    expect(simulate({ ...options, seed: 8 })).not.toEqual(a);
  });

  it('produces an install per device, in time order, within the simulated days', () => {
    const messages = simulate(options);
    const installs = messages.filter((m) => m.event === 'app_install');
    const devices = new Set(messages.map((m) => m.device.anonymousId));
    expect(installs.map((m) => m.device.anonymousId).sort()).toEqual([...devices].sort());
    for (let i = 1; i < messages.length; i++)
      expect(messages[i]!.at).toBeGreaterThanOrEqual(messages[i - 1]!.at);
    const first = Date.UTC(2026, 1, 28);
    const last = Date.UTC(2026, 2, 1 + options.days + 1);
    for (const m of messages) {
      expect(m.at).toBeGreaterThan(first);
      expect(m.at).toBeLessThan(last);
    }
    // Every user installs on their install day, in their own time zone, on their first device.
    const firstInstalls = installs.filter((m) => m.device === m.user.devices[0]);
    expect(firstInstalls).toHaveLength(options.users);
    for (const m of firstInstalls) expect(localDay(m.at, m.user.timeZone)).toBe(m.user.installDay);
  });

  it('signs players in as Segment SDKs do: anonymous first sessions, second devices, shared devices', () => {
    const messages = simulate({ ...options, users: 1000 });
    const byDevice = new Map<string, SimulatedMessage[]>();
    for (const m of messages) {
      const key = `${m.user.index}/${m.device.anonymousId}`;
      const list = byDevice.get(key);
      if (list) list.push(m);
      else byDevice.set(key, [m]);
    }
    let anonymousThenSignedIn = 0;
    let secondDevices = 0;
    let borrowed = 0;
    for (const list of byDevice.values()) {
      const { user, device } = list[0]!;
      const signIn = list.findIndex((m) => m.type === 'identify');
      // Before the identify only the anonymous id; from it on both ids, the user's own.
      for (const [i, m] of list.entries())
        expect(m.userId).toBe(signIn >= 0 && i >= signIn ? user.userId : undefined);
      if (signIn < 0) continue;
      expect(list.filter((m) => m.type === 'identify')).toHaveLength(1);
      const own = user.devices.indexOf(device);
      if (own === 0 && list.some((m) => m.type === 'track' && m.userId === undefined)) {
        anonymousThenSignedIn++;
        expect(list[signIn]!.session).toBe(user.signInSession);
        expect(user.signInSession).toBeGreaterThan(1);
      }
      if (own === 0 && user.signInSession === 1) expect(signIn).toBe(0);
      if (own === 1) {
        secondDevices++;
        // The second device reports its install, then the player signs in there.
        expect(list[0]!.event).toBe('app_install');
        expect(signIn).toBe(1);
      }
      if (own < 0) {
        borrowed++;
        // One signed-in session on a device whose owner signed in on it earlier.
        expect(new Set(list.map((m) => m.session)).size).toBe(1);
        expect(signIn).toBe(0);
        const owner = messages.find((m) => m.device === device && m.user !== user && m.type === 'identify');
        expect(owner?.at).toBeLessThan(list[0]!.at);
      }
    }
    const signedIn = new Set(messages.filter((m) => m.type === 'identify').map((m) => m.user.index)).size;
    // About 30% of the players who sign in played anonymously first; a few add a device or borrow one.
    expect(anonymousThenSignedIn / signedIn).toBeGreaterThan(0.15);
    expect(anonymousThenSignedIn / signedIn).toBeLessThan(0.4);
    expect(secondDevices).toBeGreaterThan(5);
    expect(secondDevices / signedIn).toBeLessThan(0.1);
    expect(borrowed).toBeGreaterThan(0);
    // Players without an account never send a user id.
    for (const m of messages) if (m.user.userId === undefined) expect(m.userId).toBeUndefined();
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

describe('the starter-pack experiment', () => {
  const DAY = 86_400_000;

  /** Per player: exposure time and variant, whether they ever pay, and whether they bought within 7 days of the exposure. */
  function outcomes(messages: readonly SimulatedMessage[]) {
    const players = new Map<
      number,
      { variant: string; exposedAt: number; payer: boolean; converted: boolean }
    >();
    for (const m of messages)
      if (m.event === 'experiment_viewed')
        players.set(m.user.index, {
          variant: String(m.properties.variant),
          exposedAt: m.at,
          payer: m.user.payer,
          converted: false,
        });
    for (const m of messages) {
      const p = players.get(m.user.index);
      if (m.event === 'purchase' && p && m.at >= p.exposedAt && m.at < p.exposedAt + 7 * DAY)
        p.converted = true;
    }
    return players;
  }

  it('exposes every player once, in their first session, to the variant they are in; cheaper sells the pack for less', () => {
    const messages = simulate({ seed: 7, users: 1000, days: 30, startDay: '2026-03-01' });
    const exposures = messages.filter((m) => m.event === 'experiment_viewed');
    expect(new Set(exposures.map((m) => m.user.index)).size).toBe(1000);
    expect(exposures).toHaveLength(1000);
    const firstStart = new Map<number, number>();
    for (const m of messages)
      if (m.event === 'session_start' && !firstStart.has(m.user.index)) firstStart.set(m.user.index, m.at);
    for (const m of exposures) {
      expect(m.session).toBe(1);
      expect(m.properties).toEqual({ experiment: 'starter-pack-price', variant: m.user.variant });
      expect(m.at - (firstStart.get(m.user.index) ?? 0)).toBe(1000);
    }
    const cheaper = exposures.filter((m) => m.user.variant === 'cheaper').length;
    expect(cheaper).toBeGreaterThan(450);
    expect(cheaper).toBeLessThan(550);
    for (const m of messages)
      if (m.event === 'purchase' && m.properties.sku === 'starter_pack')
        expect(m.properties.price_cents).toBe(STARTER_PACK_EXPERIMENT.priceCents[m.user.variant]);
  });

  it('lifts first-purchase conversion of the cheaper variant by the injected 10%: the same seed without the lift differs only by the payers it adds', () => {
    const world = { seed: 5, users: 4000, days: 14, startDay: '2026-03-01' };
    const withLift = outcomes(simulate(world));
    const withoutLift = outcomes(simulate({ ...world, starterPackLift: 0 }));
    expect([...withLift.keys()]).toEqual([...withoutLift.keys()]);
    const count = (players: typeof withLift, variant: string, field: 'payer' | 'converted') =>
      [...players.values()].filter((p) => p.variant === variant && p[field]).length;
    for (const [index, p] of withLift) {
      const without = withoutLift.get(index);
      expect(without?.variant).toBe(p.variant);
      // Control players are untouched; in cheaper, the lift only turns non-payers into payers.
      if (p.variant === 'control') expect(without).toEqual(p);
      else if (without?.payer) expect(p).toEqual(without);
    }
    // Payers: 7% × 1.1 against 7% over the same cheaper players; first purchases within 7 days of
    // exposure follow (timing does not depend on the variant). Bounds are about two standard
    // errors of the seeded draw around 1.10.
    const payers = count(withLift, 'cheaper', 'payer') / count(withoutLift, 'cheaper', 'payer');
    const converted = count(withLift, 'cheaper', 'converted') / count(withoutLift, 'cheaper', 'converted');
    expect(payers).toBeGreaterThan(1.05);
    expect(payers).toBeLessThan(1.15);
    expect(converted).toBeGreaterThan(1.03);
    expect(converted).toBeLessThan(1.17);
    expect(count(withoutLift, 'cheaper', 'converted')).toBeGreaterThan(50);
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
