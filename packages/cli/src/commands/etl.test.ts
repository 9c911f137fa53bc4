import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashKey } from '@tributary/collector';
import { createCollector } from '@tributary/collector';
import { compileDdl, planToWarehouse } from '@tributary/sql';
import { connect, RAW_EVENTS_CHANNEL, watchEtl } from '@tributary/warehouse';
import {
  databaseStats,
  describeEachDatabase,
  etlTestDocument,
  freshDatabase,
  generateDataset,
  insertRawRows,
  postgresTestEngine,
  referenceStats,
} from '@tributary/warehouse/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../__fixtures__/run-cli.js';

const fixtures = join(import.meta.dirname, '..', '__fixtures__');
const PLAN = join(fixtures, 'etl-plan.ts');
const WRITE_KEY = 'wk_etl_test';

describe('tributary etl (embedded database)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-etl-cli-'));
  const env = { TRIBUTARY_DATA_DIR: dataDir };
  const rows = generateDataset({ events: 3_000, seed: 5 });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('--sql prints every stage of the generated SQL without a database', async () => {
    const { code, stdout } = await runCli(['etl', '--sql', '--plan', PLAN], { cwd: fixtures, env: {} });
    expect(code).toBe(0);
    for (const stage of ['extract', 'classify', 'load', 'cook']) expect(stdout).toContain(`-- [${stage}]`);
    expect(stdout).toContain(
      '-- [extract] extract raw rows (watermark, high] into staging and validate them',
    );
    // The property checks of each event version, in the same pass.
    expect(stdout).toMatch(/WHEN s\.event = 'level_up'\s+AND s\.version = 3 THEN/);
    expect(stdout).toContain('-- [cook] every track event with its session');
    expect(stdout).toMatch(/insert into\s+"processed"\."level_up_v3"/i);
    expect(stdout).toMatch(/INSERT INTO\s+cooked\.user_days/);
    expect(stdout).toContain('CREATE TEMPORARY TABLE etl_stage ON COMMIT DROP AS\nWITH');
    expect(stdout).toMatch(/TRUNCATE "processed"\."app_install"/);
  });

  it('runs incrementally with progress per chunk, then --full gives the same tables', async () => {
    const db = await connect(undefined, { dataDir });
    await db.exec(compileDdl(planToWarehouse(etlTestDocument)));
    await insertRawRows(db, rows);
    await db.close();
    const first = await runCli(['etl', '--plan', PLAN, '--chunk-size', '1000'], { cwd: fixtures, env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const chunks = Math.ceil(rows.length / 1000);
    expect(first.stdout).toMatch(
      new RegExp(`chunk 1/${chunks}: seq ≤ 1000 of ${rows.length}, 1000 rows, \\d+ rows/s`),
    );
    expect(first.stdout).toContain(`chunk ${chunks}/${chunks}: seq ≤ ${rows.length} of ${rows.length}`);
    expect(first.stdout).toMatch(
      new RegExp(`${rows.length} extracted = \\d+ loaded \\+ \\d+ rejected \\+ \\d+ duplicates`),
    );
    expect(first.stdout).toContain('rejected by rule:');
    const again = await runCli(['etl', '--plan', PLAN], { cwd: fixtures, env });
    expect(again.stdout).toContain('0 extracted = 0 loaded + 0 rejected + 0 duplicates');
    const full = await runCli(['etl', '--full', '--plan', PLAN], { cwd: fixtures, env });
    expect(full.code).toBe(0);
    expect(full.stdout).toContain('ETL (full)');
    const check = await connect(undefined, { dataDir });
    try {
      expect(await databaseStats(check)).toEqual(referenceStats(rows));
      // Each run ends with the identity graph's totals, as the tables hold them.
      const count = async (sql: string) => Number((await check.query<{ n: number }>(sql))[0]?.n);
      const links = await count('select count(*)::integer as n from cooked.identity_links');
      const conflicts = await count('select count(*)::integer as n from cooked.identity_conflicts');
      const looped = await count('select count(*)::integer as n from cooked.identities where looped');
      const selfAliases = await count(
        'select count(*)::integer as n from processed.aliases where previous_id = coalesce(user_id, anonymous_id)',
      );
      const anonymousIdentifies = await count(
        'select count(*)::integer as n from processed.identifies where user_id is null',
      );
      expect(links).toBeGreaterThan(0);
      const line = new RegExp(
        `\\n {2}identity: ${links} links, ${conflicts} conflicts \\(kept apart\\), ${looped} ids in alias loops, ${selfAliases} self-aliases, ${anonymousIdentifies} identifies without a user id\\n`,
      );
      for (const run of [first, again, full]) expect(run.stdout).toMatch(line);
    } finally {
      await check.close();
    }
  }, 120_000);

  it('a database without the warehouse tables gets told to migrate first', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tributary-etl-empty-'));
    try {
      const result = await runCli(['etl', '--plan', PLAN], {
        cwd: fixtures,
        env: { TRIBUTARY_DATA_DIR: empty },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /relation "(tributary|raw)\.\w+" does not exist .*tributary generate, then tributary migrate/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 60_000);

  it('usage errors name the problem', async () => {
    const bad = await runCli(['etl', '--chunk-size', 'lots', '--plan', PLAN], { cwd: fixtures, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--chunk-size must be a positive integer, got "lots"');
    const mixed = await runCli(['etl', '--sql', '--full', '--plan', PLAN], { cwd: fixtures, env });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--sql only prints the SQL');
  });
});

describeEachDatabase(
  'acceptance 4: an event posted to the collector is in its processed table within seconds (watch)',
  (getDb) => {
    it('POST /v1/batch → NOTIFY → watchEtl → processed.purchase', async () => {
      const db = getDb();
      await db.exec(compileDdl(planToWarehouse(etlTestDocument)));
      const collector = await createCollector({
        plan: etlTestDocument,
        warehouse: db,
        sources: [{ name: 'server', writeKeyHash: hashKey(WRITE_KEY) }],
      });
      const controller = new AbortController();
      const runs: number[] = [];
      const watching = watchEtl({
        warehouse: db,
        document: etlTestDocument,
        signal: controller.signal,
        debounceMs: 20,
        // Longer than the test may run: rows can only arrive through NOTIFY, whatever the machine's load.
        pollMs: 3_600_000,
        onRun: (r) => runs.push(r.loaded),
      });
      try {
        for (let i = 0; i < 5; i++) {
          const messageId = `watch-${i}`;
          const sent = performance.now();
          const response = await collector.app.request('/v1/batch', {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Basic ${btoa(`${WRITE_KEY}:`)}` },
            body: JSON.stringify({
              batch: [
                {
                  type: 'track',
                  event: 'purchase',
                  messageId,
                  userId: `buyer-${i}`,
                  timestamp: new Date().toISOString(),
                  context: { platform: 'ios' },
                  properties: { sku: 'gems', price_cents: 499, currency: 'USD' },
                },
              ],
            }),
          });
          expect(response.status).toBe(200);
          expect(await response.json()).toMatchObject({ accepted: 1 });
          for (;;) {
            const found = await db.query(
              'SELECT price_cents::text FROM processed.purchase WHERE message_id = $1',
              [messageId],
            );
            if (found.length > 0) {
              expect(found[0]).toEqual({ price_cents: '4.99' });
              break;
            }
            if (performance.now() - sent > 120_000)
              throw new Error(
                `${messageId} not in processed.purchase after 120 s (NOTIFY did not wake the watcher)`,
              );
            await new Promise((r) => setTimeout(r, 10));
          }
        }
        controller.abort();
        await watching;
        expect(runs.reduce((a, b) => a + b, 0)).toBe(5);
        const [user] = await db.query<{ revenue: string }>(
          "SELECT revenue::text FROM cooked.users WHERE time_zone = 'UTC' AND user_key = 'buyer-4'",
        );
        expect(Number(user?.revenue)).toBe(4.99);
      } finally {
        controller.abort();
        await watching;
        await collector.close();
      }
    }, 60_000);
  },
);

const postgres = postgresTestEngine();
describe.skipIf(!postgres)(
  'tributary etl --watch (PostgreSQL: the CLI and the test share the database)',
  () => {
    it('loads a notified event and stops cleanly on SIGINT', async () => {
      if (!postgres) return;
      const fresh = await freshDatabase(postgres);
      try {
        await fresh.warehouse.exec(compileDdl(planToWarehouse(etlTestDocument)));
        let out = '';
        const io = {
          cwd: fixtures,
          env: {},
          stdout: (t: string) => {
            out += t;
          },
          stderr: (t: string) => {
            out += t;
          },
        };
        const { main } = await import('../main.js');
        const exited = main(['etl', '--watch', '--plan', PLAN, '--database-url', fresh.url], io);
        const until = async (text: string) => {
          const start = Date.now();
          while (!out.includes(text)) {
            if (Date.now() - start > 15_000) throw new Error(`no "${text}" in:\n${out}`);
            await new Promise((r) => setTimeout(r, 20));
          }
        };
        await until('Watching');
        const [row] = generateDataset({ events: 50, seed: 3 }).filter(
          (r) => r.intent === 'valid' && r.type === 'track',
        );
        if (!row) throw new Error('no valid row');
        await insertRawRows(fresh.warehouse, [row]);
        await fresh.warehouse.notify(RAW_EVENTS_CHANNEL, '1');
        await until('1 extracted = 1 loaded');
        process.emit('SIGINT');
        expect(await exited).toBe(0);
        expect(out).toContain('Stopped watching.');
      } finally {
        await fresh.dispose();
      }
    }, 60_000);
  },
);
