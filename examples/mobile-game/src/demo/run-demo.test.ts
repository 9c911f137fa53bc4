import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from './run-demo.js';
import { formatSummary, pooledRatio, pooledRetention } from './summary.js';

const engines = [
  { name: 'embedded PGlite', databaseUrl: undefined },
  ...(process.env.DATABASE_URL ? [{ name: 'PostgreSQL', databaseUrl: process.env.DATABASE_URL }] : []),
];

describe.each(engines)('the demo end to end on $name', ({ databaseUrl }) => {
  it('migrates, collects simulated traffic over HTTP, runs the ETL, prints metrics and writes the report', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'tributary-demo-'));
    const lines: string[] = [];
    const result = await runDemo({
      users: 120,
      days: 10,
      seed: 3,
      ...(databaseUrl ? { databaseUrl } : {}),
      workDir,
      reportPath: join(workDir, 'report.html'),
      log: (line) => lines.push(line),
      now: Date.UTC(2026, 2, 20, 12),
    });
    const output = lines.join('\n');
    for (const step of [
      'Database and migrations',
      'Collector',
      'Simulating 120 players over 10 days',
      'ETL',
      'Metrics',
      'Report',
    ]) {
      expect(output).toContain(`▸ ${step}`);
    }
    expect(output).toMatch(/100% {2}[\d,]+ \/ [\d,]+/);
    // Every message the simulator produced reached raw.events and went through the ETL.
    expect(result.etl.extracted).toBe(result.sent);
    expect(result.etl.loaded).toBe(result.sent);
    expect(result.etl.rejected + result.etl.duplicates).toBe(0);
    expect(result.summary.lastDay).toBe('2026-03-19');
    expect(result.summary.mau).toBeGreaterThanOrEqual(result.summary.dau);
    expect(result.summary.installs).toBeGreaterThan(100);
    expect(result.summary.d1).toBeGreaterThan(0);
    expect(output).toContain(formatSummary(result.summary));
    expect(existsSync(result.reportPath)).toBe(true);
    expect(readFileSync(result.reportPath, 'utf8')).toContain('Mobile game — Tributary demo');
  }, 240_000);
});

describe('summary arithmetic', () => {
  it('pools retention over complete cohorts and ratios over days', () => {
    expect(
      pooledRetention([
        { installs: 10, retained: 5 },
        { installs: 30, retained: 6 },
        { installs: 99, retained: null },
      ]),
    ).toBeCloseTo(11 / 40);
    expect(pooledRetention([{ installs: 5, retained: null }])).toBeNull();
    expect(
      pooledRatio([
        { num: 2, den: 10 },
        { num: 1, den: 30 },
      ]),
    ).toBeCloseTo(3 / 40);
    expect(pooledRatio([])).toBeNull();
  });
});
