import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileDdl, planToWarehouse } from '@tributary/sql';
import { connect, runEtl, type Warehouse } from '@tributary/warehouse';
import { type FreshDatabase, freshDatabase, testEngines } from '@tributary/warehouse/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { gameDocument } from './game-plan.js';

/** One tracked event of the game plan (`properties` as the tracker sends them). */
export interface GameMessage {
  readonly user: string;
  readonly event: string;
  readonly at: number;
  readonly platform?: 'ios' | 'android';
  readonly properties?: Readonly<Record<string, unknown>>;
}

/** Creates the game plan's tables, loads the messages into raw.events and runs a full ETL. */
export async function loadGameMessages(db: Warehouse, messages: readonly GameMessage[]): Promise<void> {
  await db.exec(compileDdl(planToWarehouse(gameDocument)));
  const payloads = messages.map((m, i) => ({
    type: 'track',
    messageId: `m${i}`,
    event: m.event,
    userId: m.user,
    timestamp: new Date(m.at).toISOString(),
    properties: m.properties ?? {},
    context: { platform: m.platform ?? 'ios' },
  }));
  await db.query(
    `INSERT INTO raw.events (message_id, received_at, source, type, event, payload)
     SELECT x.p ->> 'messageId', now(), 'test', x.p ->> 'type', x.p ->> 'event', x.p
     FROM unnest($1::jsonb[]) WITH ORDINALITY AS x(p, n) ORDER BY x.n`,
    [payloads.map((p) => JSON.stringify(p))],
  );
  const result = await runEtl({ warehouse: db, document: gameDocument, mode: 'full' });
  if (result.rejected !== 0) throw new Error(`${result.rejected} test messages were rejected by the ETL`);
}

/**
 * Declares the suite once per engine: `[pglite]` on an embedded database in a temporary data
 * directory, and `[postgres]` on a fresh database when `DATABASE_URL` is set. `getEnv()` returns the
 * environment that points the CLI at the database holding `messages` (call it inside tests).
 */
export function describeEachCliDatabase(
  name: string,
  messages: readonly GameMessage[],
  suite: (getEnv: () => Record<string, string>) => void,
): void {
  for (const engine of testEngines()) {
    describe(`${name} [${engine.kind}]`, () => {
      let env: Record<string, string> | undefined;
      let dispose: () => Promise<void> = async () => {};
      beforeAll(async () => {
        if (engine.kind === 'pglite') {
          const dataDir = mkdtempSync(join(tmpdir(), 'tributary-cli-game-'));
          dispose = async () => rmSync(dataDir, { recursive: true, force: true });
          const db = await connect(undefined, { dataDir });
          try {
            await loadGameMessages(db, messages);
          } finally {
            await db.close();
          }
          env = { TRIBUTARY_DATA_DIR: dataDir };
        } else {
          const fresh: FreshDatabase = await freshDatabase(engine);
          dispose = () => fresh.dispose();
          await loadGameMessages(fresh.warehouse, messages);
          env = { DATABASE_URL: fresh.url };
        }
      }, 180_000);
      afterAll(() => dispose());
      suite(() => {
        if (!env) throw new Error(`describeEachCliDatabase(${name}): the database is made in beforeAll.`);
        return env;
      });
    });
  }
}
