import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngines } from '@tributary/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPlan } from '../src/test-helpers/plan.js';
import { bundleEntry } from './support/bundle.js';
import { startCollectorTarget } from './support/collector-target.js';
import type { IngestTarget } from './support/ingest-server.js';

/** Runs the bundled crash child; collects the lines it prints. */
function runChild(bundle: string, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [bundle], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // 'close', not 'exit': 'exit' can fire while the pipe still holds lines the child wrote.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, exited, stderr: () => stderr };
}

/** The messageIds a MODE=track child appended to its file (complete lines only). */
function trackedIds(file: string): string[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.pop(); // after the last newline: empty, or a line cut by the kill
  return lines;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(testEngines())(
  'crash: SIGKILL mid-stream, then a new process with the same journal ($kind)',
  (engine) => {
    let target: IngestTarget;
    let work: string;
    let bundle: string;

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'trk-crash-'));
      bundle = await bundleEntry(
        new URL('./support/crash-child.ts', import.meta.url).pathname,
        join(work, 'bundle'),
        'node',
      );
      target = await startCollectorTarget(engine, { plan: testPlan });
    });
    afterAll(async () => {
      await target?.close();
      rmSync(work, { recursive: true, force: true });
    });

    it('delivers every tracked event exactly once (delivered set == tracked set)', {
      timeout: 90_000,
    }, async () => {
      const env = { ENDPOINT: target.url, WRITE_KEY: target.writeKey, JOURNAL_DIR: join(work, 'journal') };
      const idsFile = join(work, 'tracked-ids');
      const first = runChild(bundle, { ...env, MODE: 'track', IDS_FILE: idsFile });
      // Kill once the child has tracked a good number of events and some were delivered, so the
      // journal holds acknowledged, in-flight and queued messages at the moment of the kill.
      await waitFor(
        async () => trackedIds(idsFile).length >= 5000 && (await target.storedCount()) >= 500,
        60_000,
        `the child (stderr: ${first.stderr()})`,
      );
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      const tracked = new Set(trackedIds(idsFile));
      const deliveredBeforeRestart = (await target.storedIds()).size;
      expect(deliveredBeforeRestart).toBeLessThan(tracked.size);

      const second = runChild(bundle, { ...env, MODE: 'drain' });
      const { code } = await second.exited;
      expect(code, second.stderr()).toBe(0);
      expect(second.lines.at(-1)).toBe('done');
      const replayed = Number(second.lines[0]!.split(' ')[1]);
      expect(replayed).toBeGreaterThan(0);

      const stored = await target.storedIds();
      // No loss: every event whose track() returned was delivered.
      const missing = [...tracked].filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      // Nothing else: at most the one event being tracked when the kill landed (journaled, not yet printed).
      expect([...stored].filter((id) => !tracked.has(id)).length).toBeLessThanOrEqual(1);
      // No duplicate rows: one raw.events row per distinct messageId (re-sent, un-acked batches were absorbed).
      expect(await target.storedCount()).toBe(stored.size);
      expect(await target.rejected()).toEqual([]);
      console.log(
        `crash test (${engine.kind}): tracked ${tracked.size}, delivered before the kill ${deliveredBeforeRestart}, replayed ${replayed}`,
      );
    });
  },
);
