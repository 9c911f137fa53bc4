import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type GameMessage, describeEachCliDatabase } from '../__fixtures__/game-warehouse.js';
import { runCli } from '../__fixtures__/run-cli.js';

const fixtures = join(import.meta.dirname, '..', '__fixtures__');
const PLAN = join(fixtures, 'game-plan.ts');
const T0 = Date.parse('2026-03-10T10:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

// Hand-counted players, all entering on 2026-03-10 (UTC) unless said otherwise:
// a: install, level 3 (+1h), level 6 (+2h), purchase (+26h)      → 3 steps with level >= 5
// b: install, level 7 (+20m)                                       → 2
// c: install, level 2 (+10m)                                       → 1 with level >= 5, else 2
// d: install, level 5 (+4h), purchase after 8 days (outside 7d)    → 2
// e: install, level 9 (+1h), ad_watched (+2h), purchase (+3h)      → 3; 2 with the ad excluded
// g: purchase (-1h), then install                                  → 1 ordered, 2 in any order
// h: install on 2026-03-11 02:00 UTC (2026-03-10 in New York)      → only with --tz America/New_York
const at = (user: string, platform: 'ios' | 'android') => ({ user, platform });
const install = (who: ReturnType<typeof at>, time: number, store: string): GameMessage => ({
  ...who,
  event: 'app_install',
  at: time,
  properties: { store },
});
const level = (who: ReturnType<typeof at>, time: number, value: number): GameMessage => ({
  ...who,
  event: 'level_up',
  at: time,
  properties: { level: value },
});
const purchase = (who: ReturnType<typeof at>, time: number): GameMessage => ({
  ...who,
  event: 'purchase',
  at: time,
  properties: { price_cents: 499 },
});
const [a, b, c, d, e, g, h] = [
  at('a', 'ios'),
  at('b', 'ios'),
  at('c', 'android'),
  at('d', 'android'),
  at('e', 'android'),
  at('g', 'android'),
  at('h', 'ios'),
];
const MESSAGES: GameMessage[] = [
  install(a, T0, 'app_store'),
  level(a, T0 + HOUR, 3),
  level(a, T0 + 2 * HOUR, 6),
  purchase(a, T0 + 26 * HOUR),
  install(b, T0, 'play_store'),
  level(b, T0 + 20 * MIN, 7),
  install(c, T0, 'app_store'),
  level(c, T0 + 10 * MIN, 2),
  install(d, T0, 'play_store'),
  level(d, T0 + 4 * HOUR, 5),
  purchase(d, T0 + 8 * 24 * HOUR),
  install(e, T0, 'play_store'),
  level(e, T0 + HOUR, 9),
  { ...e, event: 'ad_watched', at: T0 + 2 * HOUR },
  purchase(e, T0 + 3 * HOUR),
  purchase(g, T0 - HOUR),
  install(g, T0, 'play_store'),
  install(h, Date.parse('2026-03-11T02:00:00Z'), 'app_store'),
];

const FUNNEL = ['--steps', 'app_install,level_up,purchase', '--window', '7d'];
const DAY = ['--from', '2026-03-10', '--to', '2026-03-10'];

describeEachCliDatabase('tributary funnel', MESSAGES, (getEnv) => {
  const cli = (...args: string[]) =>
    runCli(['funnel', ...args, '--plan', PLAN], { cwd: fixtures, env: getEnv() });
  const counts = async (...args: string[]) => {
    const { code, stdout, stderr } = await cli(...FUNNEL, ...DAY, ...args, '--format', 'json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      groups: { breakdown: string | null; steps: { count: number }[] }[];
    };
    return Object.fromEntries(
      result.groups.map((gr) => [String(gr.breakdown), gr.steps.map((s) => s.count)]),
    );
  };

  it('prints a table per step: count, conversion, drop-off, median and p90 time to convert', async () => {
    const { code, stdout, stderr } = await cli(...FUNNEL, ...DAY, '--where', '2:level>=5');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // Step 2 times: b 20m, e 1h, a 2h, d 4h → median 1h 30m, p90 2h + 0.7 × 2h = 3h 24m.
    // Step 3 times: e 2h, a 24h → median 13h, p90 2h + 0.9 × 22h = 21h 48m.
    expect(stdout).toBe(
      [
        'app_install → level_up → purchase: within 7d of step 1, ordered order, persons (stitched), step 1 on 2026-03-10..2026-03-10 UTC',
        'step  event                count  from first  from previous  drop-off  median time  p90 time',
        '   1  app_install              6      100.0%',
        '   2  level_up [level>=5]      4       66.7%          66.7%         2       1h 30m    3h 24m',
        '   3  purchase                 2       33.3%          50.0%         2          13h   21h 48m',
        '',
      ].join('\n'),
    );
  }, 60_000);

  it('prints one CSV row per step and breakdown value', async () => {
    const { code, stdout } = await cli(
      ...FUNNEL,
      ...DAY,
      '--where',
      '2:level>=5',
      '--by',
      'platform',
      '--format',
      'csv',
    );
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'breakdown,step,event,count,conversion_from_first,conversion_from_previous,drop_off,median_seconds_from_previous,p90_seconds_from_previous',
        'android,1,app_install,4,1,,0,,',
        'android,2,level_up,2,0.5,0.5,2,9000,13320',
        'android,3,purchase,1,0.25,0.5,1,7200,7200',
        'ios,1,app_install,2,1,,0,,',
        'ios,2,level_up,2,1,1,0,4200,6600',
        'ios,3,purchase,1,0.5,0.5,1,86400,86400',
        '',
      ].join('\n'),
    );
  }, 60_000);

  it('maps every option onto the spec', async () => {
    const level5 = ['--where', '2:level>=5'];
    expect(await counts()).toEqual({ null: [6, 5, 2] });
    expect(await counts(...level5)).toEqual({ null: [6, 4, 2] });
    expect(await counts('--where', '2:level=2,7')).toEqual({ null: [6, 2, 0] });
    expect(await counts('--where', '2:level!=2', '--where', '2:level<9')).toEqual({ null: [6, 3, 1] });
    expect(await counts(...level5, '--exclude', 'ad_watched:2:3')).toEqual({ null: [6, 4, 1] });
    expect(await counts('--order', 'strict')).toEqual({ null: [6, 5, 0] });
    expect(await counts('--order', 'any')).toEqual({ null: [6, 6, 2] });
    // Sessions cut after 30 idle minutes: only b levels up (to 7) in its install session.
    expect(await counts(...level5, '--count-by', 'sessions')).toEqual({ null: [6, 1, 0] });
    expect(await counts(...level5, '--by-property', 'store')).toEqual({
      app_store: [2, 1, 1],
      play_store: [4, 3, 1],
    });
    expect(await counts('--tz', 'America/New_York')).toEqual({ null: [7, 5, 2] });
    expect(await counts('--identity', 'raw')).toEqual({ null: [6, 5, 2] });
  }, 180_000);

  it('--format json holds the funnel as resolved, the steps and the conversion by entry day', async () => {
    const { code, stdout } = await cli(
      ...FUNNEL,
      '--from',
      '2026-03-09',
      '--to',
      '2026-03-10',
      '--where',
      '2:level>=5',
      '--identity',
      'raw',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.funnel).toEqual({
      steps: [
        { event: 'app_install' },
        { event: 'level_up', where: [{ property: 'level', op: 'gte', value: 5 }] },
        { event: 'purchase' },
      ],
      window: '7d',
      from: '2026-03-09',
      to: '2026-03-10',
      timeZone: 'UTC',
      order: 'ordered',
      countBy: 'persons',
      identity: 'raw',
      breakdown: null,
      exclusions: [],
    });
    expect(result.groups[0].steps[2]).toEqual({
      step: 3,
      event: 'purchase',
      count: 2,
      conversionFromFirst: 2 / 6,
      conversionFromPrevious: 0.5,
      dropOff: 2,
      medianSecondsFromPrevious: 46_800,
      p90SecondsFromPrevious: 78_480,
    });
    // Days nobody entered have no row.
    expect(result.series).toEqual([
      { day: '2026-03-10', breakdown: null, entered: 6, converted: 2, conversion: 2 / 6 },
    ]);
  }, 60_000);
});

describe('tributary funnel without a database', () => {
  const cli = (...args: string[]) =>
    runCli(['funnel', ...args, '--plan', PLAN], {
      cwd: fixtures,
      env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
    });

  it('--sql prints the statement, its plan and its parameters', async () => {
    const { code, stdout } = await cli(...FUNNEL, ...DAY, '--where', '2:level>=5', '--sql');
    expect(code).toBe(0);
    // Later steps read tables step 1 does not: a run may prune their rows (by row estimates).
    expect(stdout).toMatch(
      /^-- timeline plan: the steps and the series by entry day \(column part\)\n-- when run: rows outside each unit's entries plus the window are dropped before the sort if .*\nwith\n/,
    );
    expect(stdout).toContain('-- $1 = "2026-03-10"\n-- $2 = "UTC"\n');
    expect(stdout).toContain('processed."level_up"');
    expect(stdout).toContain('processed."app_install"');
    expect(stdout).toMatch(/-- \$\d+ = 5\n/);
    // Strict order reads every tracked event (processed.tracks) into the timeline; an exclusion
    // from a later step than step 1 takes the window plan, one from step 1 the timeline.
    const strict = await cli(...FUNNEL, ...DAY, '--order', 'strict', '--sql');
    expect(strict.stdout).toMatch(/^-- timeline plan: [^\n]*\n-- when run: rows outside each unit's entries/);
    // Step 1 filtered on a table that is also a later step's, in ordered order: nothing to prune.
    const same = await cli('--steps', 'level_up,level_up', '--window', '7d', ...DAY, '--sql');
    expect(same.stdout).toMatch(/^-- timeline plan: [^\n]*\nwith\n/);
    expect(strict.stdout).toContain('processed.tracks');
    const excluded = await cli(...FUNNEL, ...DAY, '--exclude', 'ad_watched:2:3', '--sql');
    expect(excluded.stdout).toMatch(/^-- window plan: /);
    const fromEntry = await cli(...FUNNEL, ...DAY, '--exclude', 'ad_watched:1:2', '--sql');
    expect(fromEntry.stdout).toMatch(/^-- timeline plan: /);
    expect(fromEntry.stdout).toContain('processed."ad_watched"');
  });

  const usage = async (args: string[], message: string) => {
    const { code, stdout, stderr } = await cli(...args);
    expect(stdout).toBe('');
    expect(stderr).toBe(`tributary funnel: ${message}\n`);
    expect(code).toBe(2);
  };
  const steps = (list: string) => ['--steps', list, '--window', '7d', ...DAY];

  it('bad input exits 2 naming the value and what is accepted', async () => {
    await usage(
      steps('app_install,levelup'),
      `Unknown event "levelup" in step 2; the plan's events are: ad_watched, app_install, experiment_viewed, level_up, purchase.`,
    );
    await usage(
      [...FUNNEL, ...DAY, '--where', '2:lvl>=5'],
      'step 2: "level_up" has no property "lvl"; its properties are: level.',
    );
    await usage(steps('app_install'), 'A funnel has 2 to 20 steps (got 1).');
    await usage(
      steps(Array.from({ length: 21 }, (_, i) => (i % 2 ? 'level_up' : 'app_install')).join(',')),
      'A funnel has 2 to 20 steps (got 21).',
    );
    for (const window of ['0d', '366d', '7 days'])
      await usage(
        ['--steps', 'app_install,purchase', '--window', window, ...DAY],
        `window "${window}" is not accepted: give a number and a unit (m, h, d or w), from 1m to 365d, e.g. "30m", "1d", "7d".`,
      );
    await usage(
      [...FUNNEL, '--from', '2026-03-11', '--to', '2026-03-10'],
      'The range is empty: from 2026-03-11 is after to 2026-03-10.',
    );
    await usage(
      [...FUNNEL, '--from', '2026-02-30', '--to', '2026-03-10'],
      '"from" must be a calendar date YYYY-MM-DD (got "2026-02-30").',
    );
    await usage(
      [...FUNNEL, ...DAY, '--tz', 'Asia/Tokyo'],
      'Time zone "Asia/Tokyo" is not a reporting time zone of the plan (UTC, America/New_York).',
    );
    await usage(
      [...FUNNEL, ...DAY, '--by', 'country'],
      `Unknown dimension "country"; the plan's roles.dimensions are: platform (or break down by a property of the first step: { property }).`,
    );
    await usage(
      [...FUNNEL, ...DAY, '--by-property', 'level'],
      '"app_install" has no property "level" to break down by; its properties are: store.',
    );
    await usage(
      [...FUNNEL, ...DAY, '--order', 'random'],
      '--order must be ordered, strict or any (got "random").',
    );
    await usage(
      [...FUNNEL, ...DAY, '--count-by', 'users'],
      '--count-by must be persons or sessions (got "users").',
    );
    await usage(
      [...FUNNEL, ...DAY, '--identity', 'merged'],
      '--identity must be stitch or raw (got "merged").',
    );
    await usage([...FUNNEL, ...DAY, '--format', 'xml'], '--format must be table, json or csv (got "xml").');
  });

  it('step filters and exclusions explain their syntax', async () => {
    await usage(
      [...FUNNEL, ...DAY, '--where', 'level>=5'],
      `--where "level>=5" is not <step>:<property><op><value> with op one of = != > >= < <= (e.g. --where '2:level>=5', --where 1:store=app_store,play_store).`,
    );
    await usage(
      [...FUNNEL, ...DAY, '--where', '4:level>=5'],
      '--where "4:level>=5" names step 4; the funnel has steps 1 to 3.',
    );
    await usage(
      [...FUNNEL, ...DAY, '--where', '2:level>=high'],
      '--where "2:level>=high": "level" is a number; "high" is not one.',
    );
    await usage(
      [...FUNNEL, ...DAY, '--where', '1:store>app_store'],
      'step 1: "gt" needs a number property; "store" is a string.',
    );
    await usage(
      [...FUNNEL, ...DAY, '--where', '2:level>=5', '--where', '2:level>=6'],
      '--where "2:level>=6" repeats >= on "level" of step 2; give each operator once per property (combine values with commas: 2:level=a,b).',
    );
    await usage(
      [...FUNNEL, ...DAY, '--exclude', 'ad_watched:3:1'],
      '--exclude "ad_watched:3:1" is not <event>:<i>:<j> with step numbers 1 <= i < j <= 3 (the event may not happen after step i and before step j), e.g. --exclude ad_watched:1:3.',
    );
    await usage(
      [...FUNNEL, ...DAY, '--exclude', 'level_up:1:3'],
      '--exclude "level_up:1:3": "level_up" is step 2 of the funnel; exclude an event that is not one of steps 1 to 3.',
    );
    await usage(
      [...FUNNEL, ...DAY, '--exclude', 'uninstall:1:3'],
      `Unknown event "uninstall" in exclusion 1; the plan's events are: ad_watched, app_install, experiment_viewed, level_up, purchase.`,
    );
    await usage(
      [...FUNNEL, ...DAY, '--by', 'platform', '--by-property', 'store'],
      'give --by <dimension> or --by-property <property of the first step>, not both.',
    );
    await usage(
      ['--steps', 'app_install,purchase', ...DAY],
      '--steps, --window, --from and --to are required, e.g. --steps app_install,level_up,purchase --window 7d --from 2026-03-01 --to 2026-03-31.',
    );
  });
});
