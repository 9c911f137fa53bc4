import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@tributary/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../__fixtures__/run-cli.js';

// Cooked tables with a hand-counted week: u1 active 03-01..03-03 (ios), u2 on 03-02 (android, and
// ios the same day) with a 9.99 purchase, u3 on 03-03 (ios); everybody installs on their first day.
const SETUP = `
create schema cooked;
create table cooked.user_days (time_zone text, day date, user_key text, events integer, sessions integer,
  revenue numeric not null default 0, purchases integer not null default 0, first_event_at timestamptz,
  last_event_at timestamptz, primary key (time_zone, user_key, day));
create table cooked.user_day_dimensions (time_zone text, day date, user_key text, dimension text, value text,
  events integer, sessions integer, revenue numeric default 0, purchases integer default 0,
  primary key (time_zone, dimension, value, user_key, day));
create table cooked.users (time_zone text, user_key text, install_day date, first_purchase_day date,
  primary key (time_zone, user_key));
insert into cooked.user_days (time_zone, day, user_key, events, sessions, revenue, purchases) values
  ('UTC', '2026-03-01', 'u1', 3, 1, 0, 0), ('UTC', '2026-03-02', 'u1', 1, 1, 0, 0), ('UTC', '2026-03-03', 'u1', 2, 1, 0, 0),
  ('UTC', '2026-03-02', 'u2', 4, 2, 9.99, 1), ('UTC', '2026-03-03', 'u3', 1, 1, 0, 0);
insert into cooked.user_day_dimensions (time_zone, day, user_key, dimension, value, events, sessions, revenue, purchases) values
  ('UTC', '2026-03-01', 'u1', 'platform', 'ios', 3, 1, 0, 0), ('UTC', '2026-03-02', 'u1', 'platform', 'ios', 1, 1, 0, 0),
  ('UTC', '2026-03-03', 'u1', 'platform', 'ios', 2, 1, 0, 0), ('UTC', '2026-03-02', 'u2', 'platform', 'android', 3, 1, 9.99, 1),
  ('UTC', '2026-03-02', 'u2', 'platform', 'ios', 1, 1, 0, 0), ('UTC', '2026-03-03', 'u3', 'platform', 'ios', 1, 1, 0, 0);
insert into cooked.users values ('UTC', 'u1', '2026-03-01', null), ('UTC', 'u2', '2026-03-02', '2026-03-02'),
  ('UTC', 'u3', '2026-03-03', null);
`;

const root = mkdtempSync(join(tmpdir(), 'tributary-cli-metrics-'));
const env = { TRIBUTARY_DATA_DIR: join(root, 'data') };
const cli = (...args: string[]) => runCli(args, { cwd: root, env });
const range = ['--from', '2026-03-01', '--to', '2026-03-04'];

beforeAll(async () => {
  const db = await connect(undefined, { dataDir: env.TRIBUTARY_DATA_DIR });
  await db.exec(SETUP);
  await db.close();
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('tributary metrics', () => {
  it('prints several metrics as CSV blocks, zero days included, NULL as an empty cell', async () => {
    const { code, stdout, stderr } = await cli(
      'metrics',
      'dau',
      'stickiness',
      'arppu',
      ...range,
      '--format',
      'csv',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        '# dau',
        'day,dau',
        '2026-03-01,1',
        '2026-03-02,2',
        '2026-03-03,2',
        '2026-03-04,0',
        '',
        '# stickiness',
        'day,dau,mau,stickiness',
        '2026-03-01,1,1,1',
        '2026-03-02,2,2,1',
        '2026-03-03,2,3,0.6666666666666666',
        '2026-03-04,0,3,0',
        '',
        '# arppu',
        'day,revenue,paying_users,arppu',
        '2026-03-01,0,0,',
        '2026-03-02,9.99,1,9.99',
        '2026-03-03,0,0,',
        '2026-03-04,0,0,',
        '',
      ].join('\n'),
    );
  }, 60_000);

  it('breaks down by a dimension as JSON, counting a user on each platform they used', async () => {
    const { code, stdout } = await cli('metrics', 'dau', ...range, '--by', 'platform', '--format', 'json');
    expect(code).toBe(0);
    const rows = (JSON.parse(stdout) as { dau: { day: string; breakdown: string; dau: number }[] }).dau;
    expect(rows.filter((r) => r.day === '2026-03-02')).toEqual([
      { day: '2026-03-02', breakdown: 'android', dau: 1 },
      { day: '2026-03-02', breakdown: 'ios', dau: 2 },
    ]);
    expect(rows).toHaveLength(8);
  }, 60_000);

  it('prints a table; retention cells after --last-complete-day are blank', async () => {
    const { code, stdout } = await cli('metrics', 'retention', ...range, '--last-complete-day', '2026-03-02');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'retention',
        '    cohort  n  installs  retained  retention',
        '2026-03-01  1         1         1     1.0000',
        '2026-03-02  1         1',
        '2026-03-03  1         1',
        '2026-03-04  1         0',
        '',
      ].join('\n'),
    );
  }, 60_000);

  it('--sql prints the formatted query and its parameters without opening a database', async () => {
    const { code, stdout } = await runCli(['metrics', 'mau', ...range, '--sql', '--tz', 'Europe/Berlin'], {
      cwd: root,
      env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^-- mau\nwith\n {2}active as not materialized \(\n/);
    // Without a plan or database, persons are counted: the default identity of a plan.
    expect(stdout).toContain('from\n      cooked.person_days as d');
    expect(stdout).toContain('-- $1 = "Europe/Berlin"');
    const raw = await runCli(['metrics', 'mau', ...range, '--sql', '--identity', 'raw'], {
      cwd: root,
      env: {},
    });
    expect(raw.code).toBe(0);
    expect(raw.stdout).toContain('from\n      cooked.user_days as d');
    expect(raw.stdout).not.toContain('person');
  });

  it('reports usage errors with exit code 2 and spec errors with exit code 1', async () => {
    const unknown = await cli('metrics', 'daus', ...range);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown metric "daus"\. Known metrics: dau, wau/);
    expect((await cli('metrics', 'dau', ...range, '--format', 'xml')).code).toBe(2);
    expect((await cli('metrics', 'dau', '--from', '2026-03-01')).stderr).toContain(
      '--from and --to are required',
    );
    const zone = await cli('metrics', 'dau', ...range, '--tz', 'Asia/Tokyo');
    expect(zone.code).toBe(1);
    expect(zone.stderr).toContain(
      'Time zone "Asia/Tokyo" is not a reporting time zone of the plan (UTC); add it to etl.reportingTimeZones and run tributary etl --full.',
    );
    const empty = await runCli(['metrics', 'dau', ...range], {
      cwd: root,
      env: { TRIBUTARY_DATA_DIR: join(root, 'empty') },
    });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe(
      'tributary metrics: This warehouse has no cooked tables yet: run tributary migrate, then tributary etl, before asking for metrics.\n',
    );
    const dimension = await cli('metrics', 'dau', ...range, '--by', 'os');
    expect(dimension.code).toBe(1);
    expect(dimension.stderr).toContain('Unknown dimension "os"');
    const identity = await cli('metrics', 'dau', ...range, '--identity', 'merged');
    expect(identity.code).toBe(2);
    expect(identity.stderr).toBe('tributary metrics: --identity must be stitch or raw (got "merged").\n');
    // This warehouse has no person tables: counting persons needs them.
    const persons = await cli('metrics', 'dau', ...range, '--identity', 'stitch');
    expect(persons.code).toBe(1);
    expect(persons.stderr).toContain('identity "stitch" needs person tables');
  }, 60_000);
});

// The same week with person tables: u3 signed in as u1 on 03-03 (one person, two user keys).
const PERSONS_SETUP = `${SETUP}
create table cooked.person_days (like cooked.user_days including all);
create table cooked.person_day_dimensions (like cooked.user_day_dimensions including all);
create table cooked.persons (like cooked.users including all);
insert into cooked.person_days select time_zone, day, case user_key when 'u3' then 'u1' else user_key end,
  events, sessions, revenue, purchases from cooked.user_days where user_key <> 'u3' or day <> '2026-03-03';
update cooked.person_days set events = events + 1, sessions = sessions + 1 where user_key = 'u1' and day = '2026-03-03';
insert into cooked.persons select * from cooked.users where user_key <> 'u3';
`;

describe('tributary metrics --identity', () => {
  const stitched = { TRIBUTARY_DATA_DIR: join(root, 'stitched') };
  const run = (...args: string[]) => runCli(args, { cwd: root, env: stitched });

  beforeAll(async () => {
    const db = await connect(undefined, { dataDir: stitched.TRIBUTARY_DATA_DIR });
    await db.exec(PERSONS_SETUP);
    await db.close();
  }, 120_000);

  it('counts persons by default when the warehouse keeps person tables, user keys with --identity raw', async () => {
    const counts = async (...identity: string[]) => {
      const { code, stdout, stderr } = await run(
        'metrics',
        'dau',
        'mau',
        'installs',
        ...range,
        '--format',
        'json',
        ...identity,
      );
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const rows = JSON.parse(stdout) as Record<string, Record<string, unknown>[]>;
      return {
        dau: rows.dau?.map((r) => r.dau),
        mau: rows.mau?.map((r) => r.mau),
        installs: rows.installs?.map((r) => r.installs),
      };
    };
    const persons = { dau: [1, 2, 1, 0], mau: [1, 2, 2, 2], installs: [1, 1, 0, 0] };
    expect(await counts()).toEqual(persons);
    expect(await counts('--identity', 'stitch')).toEqual(persons);
    expect(await counts('--identity', 'raw')).toEqual({
      dau: [1, 2, 2, 0],
      mau: [1, 2, 3, 3],
      installs: [1, 1, 1, 0],
    });
  }, 60_000);
});

describe('tributary report', () => {
  it('writes a self-contained page holding the queried values', async () => {
    const out = join(root, 'report.html');
    const { code, stdout } = await cli('report', '--out', out, ...range);
    expect(code).toBe(0);
    expect(stdout).toBe(`Wrote ${out} (2026-03-01..2026-03-04, UTC).\n`);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src=|@import/);
    const json = /<script type="application\/json" id="tributary-report-data">(.*?)<\/script>/s.exec(
      html,
    )?.[1];
    const data = JSON.parse(json ?? 'null') as { daily: { dau: number[]; revenue: number[] } };
    expect(data.daily.dau).toEqual([1, 2, 2, 0]);
    expect(data.daily.revenue).toEqual([0, 9.99, 0, 0]);
  }, 60_000);
});
