import type { Clock, TimerHandle } from '../clock.js';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/** A manual clock: timers run only when a test advances time. */
export interface FakeClock extends Clock {
  /** Moves time forward, running due timers in order and letting promises settle after each. */
  advance(ms: number): Promise<void>;
  /** Advances in steps until `done()` holds or `limitMs` passes; returns the time it took. */
  runUntil(done: () => boolean, limitMs: number, stepMs?: number): Promise<number>;
  readonly pendingTimers: number;
}

/** Lets pending promise callbacks (and fake network responses) run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export function fakeClock(start = Date.UTC(2026, 10, 29, 12, 0, 0)): FakeClock {
  let now = start;
  let nextId = 1;
  let timers: Timer[] = [];
  const clock: FakeClock = {
    now: () => now,
    setTimeout(callback, ms) {
      const timer = { id: nextId++, at: now + Math.max(0, ms), callback };
      timers.push(timer);
      return timer.id;
    },
    clearTimeout(handle: TimerHandle) {
      timers = timers.filter((t) => t.id !== handle);
    },
    async advance(ms) {
      const target = now + ms;
      await settle();
      for (;;) {
        const due = timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
        if (due === undefined) break;
        timers = timers.filter((t) => t !== due);
        now = Math.max(now, due.at);
        due.callback();
        await settle();
      }
      now = target;
      await settle();
    },
    async runUntil(done, limitMs, stepMs = 50) {
      const started = now;
      while (!done() && now - started < limitMs) await clock.advance(stepMs);
      return now - started;
    },
    get pendingTimers() {
      return timers.length;
    },
  };
  return clock;
}
