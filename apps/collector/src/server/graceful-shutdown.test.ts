import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Warehouse } from '@tributary/warehouse';
import { freshDatabase, testEngines } from '@tributary/warehouse/testing';
import { describe, expect, it } from 'vitest';
import { createWarehouseTables } from '../test-helpers/test-collector.js';

const CHILD = new URL('../test-helpers/serve-child.ts', import.meta.url).pathname;

/**
 * Runs the collector in a child process, sends a request that its hour-long flush timer would
 * hold, and sends SIGTERM once the child says the request arrived: the answer can only come from
 * the shutdown committing the in-flight events (no wall-clock budget, so a busy machine only slows it).
 */
async function sigtermDuringRequest(databaseUrl: string, env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--conditions=@tributary/source', '--import', 'tsx', CHILD, databaseUrl],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output);
        if (match) {
          child.stdout.off('data', onData);
          resolve(match);
        }
      };
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        check();
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) => reject(new Error(`child exited early with ${code}: ${output}`)));
      check();
    });
  const base = (await waitFor(/listening (\S+)/))[1] as string;
  const inFlight = fetch(`${base}/v1/identify`, {
    method: 'POST',
    headers: { 'x-write-key': 'child-key', 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'u1', messageId: 'in-flight-at-sigterm', traits: {} }),
  });
  await waitFor(/request \S+/);
  child.kill('SIGTERM');
  const body = await (await inFlight).json();
  const code = await exited;
  const refused = await fetch(`${base}/health`).then(
    () => false,
    () => true,
  );
  return { body, code, refused };
}

async function expectStored(db: Warehouse) {
  expect(
    await db.query('SELECT 1 FROM raw.events WHERE message_id = $1', ['in-flight-at-sigterm']),
  ).toHaveLength(1);
}

// SIGTERM: stop accepting, let the in-flight request finish (its events are committed at once, not
// at the flush timer), close the database, exit 0.
describe('graceful shutdown on SIGTERM', () => {
  for (const engine of testEngines()) {
    it(`answers the in-flight request after committing it, then exits 0 [${engine.kind}]`, {
      timeout: 300_000,
    }, async () => {
      if (engine.kind === 'postgres') {
        const database = await freshDatabase(engine);
        try {
          await createWarehouseTables(database.warehouse);
          const outcome = await sigtermDuringRequest(database.url);
          expect(outcome).toMatchObject({ body: { accepted: 1, rejected: 0 }, code: 0, refused: true });
          await expectStored(database.warehouse);
        } finally {
          await database.dispose();
        }
        return;
      }
      // PGlite: one process owns the data directory; the test reopens it after the child exits.
      const dataDir = mkdtempSync(join(tmpdir(), 'tributary-collector-shutdown-'));
      try {
        const setup = await connect(undefined, { dataDir });
        await createWarehouseTables(setup);
        await setup.close();
        const outcome = await sigtermDuringRequest('', { TRIBUTARY_DATA_DIR: dataDir });
        expect(outcome).toMatchObject({ body: { accepted: 1, rejected: 0 }, code: 0, refused: true });
        const reopened = await connect(undefined, { dataDir });
        await expectStored(reopened);
        await reopened.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
