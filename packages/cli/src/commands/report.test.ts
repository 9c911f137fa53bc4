import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeEachCliDatabase } from '../__fixtures__/game-warehouse.js';
import { runCli } from '../__fixtures__/run-cli.js';
import {
  EXPERIMENTS_PROJECT as project,
  STARTER_PACK_MESSAGES as MESSAGES,
} from '../__fixtures__/starter-pack-messages.js';

const NOW = () => Date.parse('2026-03-20T08:00:00Z');

describeEachCliDatabase('tributary report with funnels and experiments', MESSAGES, (getEnv) => {
  it('shows the configured funnels and the experiments report.experiments names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-cli-report-'));
    try {
      const out = join(dir, 'report.html');
      const { code, stderr } = await runCli(
        ['report', '--out', out, '--from', '2026-03-05', '--to', '2026-03-05'],
        { cwd: project, env: getEnv(), now: NOW },
      );
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const json = /<script type="application\/json" id="tributary-report-data">(.*?)<\/script>/s.exec(
        readFileSync(out, 'utf8'),
      )?.[1];
      const data = JSON.parse(json ?? 'null') as {
        funnels: { title: string; groups: { steps: { count: number }[] }[] }[];
        experiments: { key: string; variants: { units: number }[] }[];
      };
      // 42 players were exposed on the day (both arms, one who saw both, one with an unknown
      // variant); 4 + 8 bought within 7 days.
      expect(data.funnels.map((f) => [f.title, f.groups.map((g) => g.steps.map((s) => s.count))])).toEqual([
        ['Exposure to purchase', [[42, 12]]],
      ]);
      // broken-metric is configured but not listed in report.experiments.
      expect(data.experiments.map((e) => [e.key, e.variants.map((v) => v.units)])).toEqual([
        ['starter-pack', [20, 20]],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
