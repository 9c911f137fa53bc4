import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeEachCliDatabase } from '../__fixtures__/game-warehouse.js';
import {
  EXPERIMENTS_PROJECT as project,
  STARTER_PACK_MESSAGES as MESSAGES,
} from '../__fixtures__/starter-pack-messages.js';
import { runCli } from '../__fixtures__/run-cli.js';

const NOW = () => Date.parse('2026-03-20T08:00:00Z');

describeEachCliDatabase('tributary experiment', MESSAGES, (getEnv) => {
  const cli = (...args: string[]) =>
    runCli(['experiment', ...args], { cwd: project, env: getEnv(), now: NOW });

  it('prints the warnings first, exposures, the sample-ratio test and each metric against the control', async () => {
    const { code, stdout, stderr } = await cli('starter-pack');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // Conversion 4/20 vs 8/20: difference 0.2 ± 1.96 × √(0.2·0.8/20 + 0.4·0.6/20) = [-7.72, +47.72] pp;
    // pooled z = 0.2 / √(0.3·0.7·2/20) = 1.380, p = 0.168. Revenue 4 × 4.99 / 20 = 0.998 vs 1.996;
    // before exposure 3 of 20 bought in each arm (15%, 0.7485).
    expect(stdout).toBe(
      [
        'Experiment starter-pack: first exposures 2026-02-18..2026-03-19 (UTC), persons (stitched), 95% intervals',
        '',
        'Warnings:',
        '  ! 1 units saw more than one variant and are excluded.',
        '  ! 1 units saw a variant not in the definition and are excluded.',
        '',
        'variant  exposed  share  planned',
        'control       20  50.0%    50.0%',
        'cheaper       20  50.0%    50.0%',
        'excluded: 1 saw more than one variant, 1 saw a variant not in the definition',
        'sample ratio: χ² = 0.00, p = 1.000: no mismatch (flagged when p < 0.001)',
        '',
        'conversion to purchase in 7d (conversion, a proportion)',
        'variant  units   value  before exposure',
        'control     20  20.00%           15.00%',
        'cheaper     20  40.00%           15.00%',
        '  cheaper vs control:',
        '    difference  +20.00 pp  95% CI [-7.72 pp, +47.72 pp]               p = 0.168',
        '    lift        +100.0%    95% CI [-105.6%, +305.6%]',
        '    CUPED lift  +100.0%    95% CI [-98.0%, +298.0%]                   variance reduction 11.9%',
        '    sequential  +20.00 pp  95% always-valid [-122.40 pp, +162.40 pp]',
        '',
        'revenue per unit in 7d (revenue, a mean per unit)',
        'variant  units   value  before exposure',
        'control     20  0.9980           0.7485',
        'cheaper     20  1.9960           0.7485',
        '  cheaper vs control:',
        '    difference  +0.9980  95% CI [-0.4696, +2.4656]            p = 0.176',
        '    lift        +100.0%  95% CI [-118.1%, +318.1%]',
        '    CUPED lift  +100.0%  95% CI [-98.0%, +298.0%]             variance reduction 11.9%',
        '    sequential  +0.9980  95% always-valid [-6.2925, +8.2885]',
        '',
      ].join('\n'),
    );
  }, 60_000);

  it('--format json is the readout; --alpha sets every interval', async () => {
    const { code, stdout } = await cli(
      'starter-pack',
      '--from',
      '2026-03-05',
      '--to',
      '2026-03-05',
      '--alpha',
      '0.1',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const readout = JSON.parse(stdout);
    expect(readout).not.toHaveProperty('compiled');
    expect(readout).toMatchObject({
      key: 'starter-pack',
      from: '2026-03-05',
      to: '2026-03-05',
      timeZone: 'UTC',
      identity: 'stitch',
      variants: [
        { variant: 'control', units: 20, plannedShare: 0.5 },
        { variant: 'cheaper', units: 20, plannedShare: 0.5 },
      ],
      excluded: { multipleVariants: 1, unknownVariant: 1 },
      sampleRatio: { total: 40, mismatch: false },
    });
    const [conversion] = readout.metrics;
    expect(conversion.values).toEqual([
      { variant: 'control', units: 20, value: 0.2, preExposureValue: 0.15 },
      { variant: 'cheaper', units: 20, value: 0.4, preExposureValue: 0.15 },
    ]);
    const { test, cuped, sequential } = conversion.comparisons[0];
    expect(test.alpha).toBe(0.1);
    expect(cuped.adjusted.alpha).toBe(0.1);
    expect(sequential.alpha).toBe(0.1);
    // 90%: 0.2 ± 1.6449 × 0.141421.
    expect(test.interval.lower).toBeCloseTo(0.2 - 1.644854 * Math.sqrt(0.02), 6);
    const table = await cli('starter-pack', '--from', '2026-03-05', '--to', '2026-03-05', '--alpha', '0.1');
    expect(table.stdout).toContain(', 90% intervals\n');
    expect(table.stdout).toContain('    difference  +20.00 pp  90% CI [-3.26 pp, +43.26 pp]');
  }, 60_000);

  it('a range without exposures says so first and prints no NaN', async () => {
    const { code, stdout } = await cli('starter-pack', '--from', '2026-03-06', '--to', '2026-03-19');
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/NaN|Infinity|undefined/);
    expect(stdout.split('\n').slice(0, 4)).toEqual([
      'Experiment starter-pack: first exposures 2026-03-06..2026-03-19 (UTC), persons (stitched), 95% intervals',
      '',
      'Warnings:',
      '  ! No exposures to "starter-pack" between 2026-03-06 and 2026-03-19: nothing to compare.',
    ]);
    expect(stdout).toContain('\nsample ratio: not tested (no exposures yet)\n');
    expect(stdout).toContain('\n    difference  n/a  (the control arm has no units)\n');
  }, 60_000);

  it('the default range ends yesterday in the zone; --identity raw assigns user keys', async () => {
    // 02:00 UTC on 2026-03-20 is still 2026-03-19 in New York: yesterday there is 2026-03-18.
    const late = () => Date.parse('2026-03-20T02:00:00Z');
    const run = (...args: string[]) =>
      runCli(['experiment', 'starter-pack', ...args], { cwd: project, env: getEnv(), now: late });
    const utc = await run();
    expect(utc.stdout.split('\n')[0]).toBe(
      'Experiment starter-pack: first exposures 2026-02-18..2026-03-19 (UTC), persons (stitched), 95% intervals',
    );
    const newYork = await run('--tz', 'America/New_York', '--identity', 'raw');
    expect(newYork.code).toBe(0);
    expect(newYork.stdout.split('\n')[0]).toBe(
      'Experiment starter-pack: first exposures 2026-02-17..2026-03-18 (America/New_York), user keys (raw), 95% intervals',
    );
    expect(newYork.stdout).toContain('\ncontrol       20  50.0%    50.0%\n');
  }, 60_000);
});

describe('tributary experiment usage', () => {
  const cli = (...args: string[]) =>
    runCli(['experiment', ...args], {
      cwd: project,
      env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      now: NOW,
    });
  const usage = async (args: string[], message: string, cwd = project) => {
    const { code, stdout, stderr } = await (cwd === project
      ? cli(...args)
      : runCli(['experiment', ...args], { cwd, env: {} }));
    expect(stdout).toBe('');
    expect(stderr).toBe(`tributary experiment: ${message}\n`);
    expect(code).toBe(2);
  };

  it('--sql prints the assignment and metric queries without a database', async () => {
    const { code, stdout } = await cli('starter-pack', '--sql');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^-- assignment\nwith\n/);
    expect(stdout).toContain('\n-- metric: conversion to purchase in 7d\nwith\n');
    expect(stdout).toContain('\n-- metric: revenue per unit in 7d\nwith\n');
    expect(stdout).toContain('-- $1 = "starter-pack"\n');
  });

  it('bad input exits 2 naming the value and what is accepted', async () => {
    await usage(
      ['starter'],
      'unknown experiment "starter". Configured experiments: starter-pack, broken-metric.',
    );
    await usage([], 'name one experiment (got 0). Configured experiments: starter-pack, broken-metric.');
    await usage(
      ['broken-metric'],
      `Experiment "broken-metric": unknown event "purchased" in metric "conversion to purchased in 7d"; the plan's events are: ad_watched, app_install, experiment_viewed, level_up, purchase.`,
    );
    await usage(
      ['starter-pack', '--alpha', '1.5'],
      '--alpha must be a number between 0 and 1, e.g. 0.05 for 95% intervals (got "1.5").',
    );
    await usage(
      ['starter-pack', '--tz', 'Asia/Tokyo'],
      '--tz "Asia/Tokyo" is not a reporting time zone of the plan (UTC, America/New_York).',
    );
    await usage(
      ['starter-pack', '--from', '2026-3-1'],
      '--from must be a day YYYY-MM-DD (got "2026-3-1"), e.g. --from 2026-03-01.',
    );
    await usage(
      ['starter-pack', '--from', '2026-03-10', '--to', '2026-03-01'],
      'The range is empty: from 2026-03-10 is after to 2026-03-01.',
    );
    await usage(['starter-pack', '--format', 'csv'], '--format must be table or json (got "csv").');
    await usage(['starter-pack', '--identity', 'merged'], '--identity must be stitch or raw (got "merged").');
    await usage(
      ['starter-pack', '--plan', join(project, '..', 'game-plan.ts')],
      'no experiments are configured. Add experiments: [defineExperiment({ key, variants, exposureEvent, metrics })] to tributary.config.ts.',
      join(project, '..'),
    );
  });
});
