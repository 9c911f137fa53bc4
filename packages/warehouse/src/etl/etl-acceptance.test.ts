import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileDdl, compileEtl, etlPlanOf, etlTargetTables, planToWarehouse } from '@tributary/sql';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/describe-each-database.js';
import { freshDatabase } from '../testing/fresh-database.js';
import type { Warehouse } from '../warehouse.js';
import { EtlError } from './etl-error.js';
import { type EtlMode, type EtlRunResult, runEtl } from './run-etl.js';
import {
  databaseStats,
  etlTestDocument,
  generateDataset,
  insertRawRows,
  type RawRow,
  referenceStats,
  tableContents,
} from './testing/index.js';

/** CI size (≥ 200,000) on PostgreSQL; PGlite (WASM, single process) takes a smaller default. */
const SERVER_EVENTS = Number(process.env.TRIBUTARY_ETL_EVENTS ?? 200_000);
const PGLITE_EVENTS = Number(process.env.TRIBUTARY_ETL_PGLITE_EVENTS ?? Math.min(SERVER_EVENTS, 30_000));
const TIMEOUT = 900_000;

const TABLES = [
  ...etlTargetTables(etlPlanOf(etlTestDocument)),
  '"raw"."rejected"',
  '"tributary"."watermarks"',
];
const contents = (db: Warehouse) => tableContents(db, TABLES);

async function prepare(db: Warehouse): Promise<void> {
  await db.exec(compileDdl(planToWarehouse(etlTestDocument)));
}

/** A run that throws before the COMMIT of chunk `chunk` (chunks before it stay committed). */
async function crashBeforeCommit(
  db: Warehouse,
  mode: EtlMode,
  chunkSize: number,
  chunk: number,
  bulkCookRatio?: number,
) {
  const failing = runEtl({
    warehouse: db,
    document: etlTestDocument,
    mode,
    chunkSize,
    ...(bulkCookRatio === undefined ? {} : { bulkCookRatio }),
    hooks: {
      beforeCommit: (n) => {
        if (n === chunk) throw new Error(`injected crash before COMMIT of chunk ${chunk}`);
      },
    },
  });
  await expect(failing).rejects.toThrow('injected crash');
}

describeEachDatabase('ETL acceptance', (getDb, engine) => {
  const size = engine.kind === 'postgres' ? SERVER_EVENTS : PGLITE_EVENTS;
  let rows: RawRow[] = [];
  let history: Record<string, string> = {};

  beforeAll(async () => {
    await prepare(getDb());
    rows = generateDataset({ events: size, seed: 7 });
  }, TIMEOUT);

  it(
    `acceptance 1: ${size} raw rows (2% invalid, 1% duplicates, late, three versions) give the TypeScript reference, and every run reconciles`,
    async () => {
      const db = getDb();
      // Three arrivals with an ETL run after each: late events of one batch land on days cooked before.
      const cuts = [0, Math.floor(rows.length * 0.6), Math.floor(rows.length * 0.9), rows.length];
      const results: EtlRunResult[] = [];
      for (let i = 0; i < 3; i++) {
        await insertRawRows(db, rows.slice(cuts[i], cuts[i + 1]));
        const progress: number[] = [];
        const cooking: string[] = [];
        results.push(
          await runEtl({
            warehouse: db,
            document: etlTestDocument,
            mode: 'incremental',
            chunkSize: Math.ceil(rows.length / 7),
            onProgress: (p) => {
              progress.push(p.chunk);
              if (p.cooking) cooking.push(p.cooking);
            },
          }),
        );
        expect(progress.length).toBeGreaterThan(0);
        // Arrivals of 60% and 30% (≥ 25% of what is processed) cook once at the end; the last 10%
        // re-cooks the user-days it touches chunk by chunk.
        expect(cooking).toEqual(i < 2 ? ['all', 'done'] : []);
      }
      const total = (key: 'extracted' | 'loaded' | 'rejected' | 'duplicates') =>
        results.reduce((sum, r) => sum + r[key], 0);
      expect(total('extracted')).toBe(rows.length);
      expect(total('loaded') + total('rejected') + total('duplicates')).toBe(rows.length);
      expect(total('duplicates')).toBe(rows.filter((r) => r.intent === 'duplicate').length);
      expect(total('rejected')).toBe(
        rows.filter((r) => r.intent === 'invalid' || r.intent === 'spam').length,
      );

      expect(await databaseStats(db)).toEqual(referenceStats(rows));

      // The audit rows hold the same reconciliation, per rule too.
      const runs = await db.query<Record<string, string>>(
        'SELECT extracted::text, loaded::text, rejected::text, duplicates::text, rejected_by_reason, finished_at FROM tributary.etl_runs ORDER BY id',
      );
      expect(runs).toHaveLength(3);
      for (const [i, run] of runs.entries()) {
        expect(Number(run.extracted)).toBe(results[i]?.extracted);
        expect(Number(run.loaded) + Number(run.rejected) + Number(run.duplicates)).toBe(
          Number(run.extracted),
        );
        expect(run.finished_at).not.toBeNull();
      }
      // Every kind of invalid row the generator injected shows up under its rule.
      const ruleOf: Record<string, string> = {
        level_string: 'type',
        level_out_of_range: 'maximum',
        missing_required: 'required',
        unknown_event: 'unknown_event',
        unknown_version: 'unknown_version',
        bad_timestamp: 'format',
        bad_enum: 'enum',
        bot: 'bot',
        threshold: 'threshold',
        additional_property: 'additional_property',
        no_user: 'required',
      };
      const expectedRules = new Set([
        'spam',
        ...rows.flatMap((r) => (r.problem ? [ruleOf[r.problem] as string] : [])),
      ]);
      expect(expectedRules.size).toBeGreaterThan(size >= 10_000 ? 10 : 3);
      const reasons = results.flatMap((r) => Object.keys(r.rejectedByReason));
      for (const rule of expectedRules) expect(reasons).toContain(rule);
      const [sample] = await db.query<{
        reasons: { path: string; rule: string; expected: string; received: string; message: string }[];
        payload: string;
      }>(
        `SELECT reasons, payload FROM raw.rejected WHERE stage = 'etl' AND reasons @> '[{"rule":"threshold"}]' LIMIT 1`,
      );
      expect(sample?.reasons).toContainEqual({
        path: 'properties.age',
        rule: 'threshold',
        expected: '<= 150',
        received: '200',
        message: 'properties.age must be <= 150',
      });
      expect(JSON.parse(sample?.payload ?? '{}').properties.age).toBe(200);
      history = await contents(db);
    },
    TIMEOUT,
  );

  it(
    'acceptance 3: an incremental run with no new data changes nothing',
    async () => {
      const db = getDb();
      const result = await runEtl({ warehouse: db, document: etlTestDocument, mode: 'incremental' });
      expect(result).toMatchObject({ extracted: 0, loaded: 0, rejected: 0, duplicates: 0, chunks: 0 });
      expect(await contents(db)).toEqual(history);
    },
    TIMEOUT,
  );

  it(
    'acceptance 3: a full run gives the same tables as the incremental history',
    async () => {
      const db = getDb();
      expect(Object.values(history).join('').length).toBeGreaterThan(0);
      const result = await runEtl({
        warehouse: db,
        document: etlTestDocument,
        mode: 'full',
        chunkSize: Math.ceil(rows.length / 3),
      });
      expect(result.extracted).toBe(rows.length);
      expect(await contents(db)).toEqual(history);
    },
    TIMEOUT,
  );

  describe('acceptance 2: interrupted runs', () => {
    const small = generateDataset({ events: engine.kind === 'postgres' ? 20_000 : 8_000, seed: 11 });
    const chunkSize = Math.ceil(small.length / 8);

    it(
      'a failure before commit of chunk 4 leaves chunks 1-3 only; running again equals an uninterrupted run',
      async () => {
        const fresh = await freshDatabase(engine);
        try {
          const db = fresh.warehouse;
          await prepare(db);
          await insertRawRows(db, small);
          // Cooking chunk by chunk (never all at once), so a crash meets per-chunk cooking.
          await crashBeforeCommit(db, 'incremental', chunkSize, 4, Number.POSITIVE_INFINITY);
          const [mark] = await db.query<{ seq: string }>(
            "SELECT seq::text FROM tributary.watermarks WHERE name = 'etl'",
          );
          expect(Number(mark?.seq)).toBe(3 * chunkSize);
          const [counts] = await db.query<{ tracks: string; staged: string; unfinished: string }>(
            `SELECT (SELECT count(*) FROM processed.tracks WHERE seq > ${3 * chunkSize})::text AS tracks,
             (SELECT count(*) FROM processed.tracks)::text AS staged,
             (SELECT count(*) FROM tributary.etl_runs WHERE finished_at IS NULL)::text AS unfinished`,
          );
          expect(counts).toMatchObject({ tracks: '0', unfinished: '1' });
          expect(Number(counts?.staged)).toBeGreaterThan(0);
          const resumed = await runEtl({
            warehouse: db,
            document: etlTestDocument,
            mode: 'incremental',
            chunkSize,
            bulkCookRatio: Number.POSITIVE_INFINITY,
          });
          expect(resumed.extracted).toBe(small.length - 3 * chunkSize);
          const afterCrash = await contents(db);
          await runEtl({ warehouse: db, document: etlTestDocument, mode: 'full', chunkSize: small.length });
          expect(await contents(db)).toEqual(afterCrash);
          expect(await databaseStats(db)).toEqual(referenceStats(small));
        } finally {
          await fresh.dispose();
        }
      },
      TIMEOUT,
    );

    it(
      'a --full run stopped after chunk 2 cooks nothing; the next run finishes it, cooks everything once and equals an uninterrupted run',
      async () => {
        const fresh = await freshDatabase(engine);
        try {
          const db = fresh.warehouse;
          await prepare(db);
          await insertRawRows(db, small);
          await runEtl({ warehouse: db, document: etlTestDocument, mode: 'incremental', chunkSize });
          const uninterrupted = await contents(db);
          const indexes = () =>
            db
              .query<{ name: string }>(
                "SELECT indexname AS name FROM pg_indexes WHERE schemaname IN ('processed', 'cooked') ORDER BY 1",
              )
              .then((rows) => rows.map((r) => r.name));
          const allIndexes = await indexes();
          const deferred = compileEtl(etlTestDocument).deferredIndexes.map((i) => i.name);
          expect(deferred.length).toBeGreaterThan(10);
          expect(allIndexes).toEqual(expect.arrayContaining(deferred));
          await crashBeforeCommit(db, 'full', chunkSize, 3);
          const marks = await db.query<{ name: string; seq: string }>(
            'SELECT name, seq::text FROM tributary.watermarks ORDER BY name',
          );
          expect(marks).toEqual([
            { name: 'cook', seq: '-1' },
            { name: 'etl', seq: String(2 * chunkSize) },
          ]);
          const [cooked] = await db.query<{ rows: string }>(
            'SELECT ((SELECT count(*) FROM cooked.user_days) + (SELECT count(*) FROM cooked.users))::text AS rows',
          );
          expect(cooked?.rows).toBe('0');
          // The full run dropped the secondary indexes it rebuilds at its end; the keys stay.
          expect(await indexes()).toEqual(allIndexes.filter((name) => !deferred.includes(name)));
          const phases: string[] = [];
          const resumed = await runEtl({
            warehouse: db,
            document: etlTestDocument,
            mode: 'incremental',
            chunkSize,
            onProgress: (p) => phases.push(p.cooking ?? 'chunk'),
          });
          expect(resumed.extracted).toBe(small.length - 2 * chunkSize);
          expect(phases.slice(-2)).toEqual(['all', 'done']);
          expect(phases.filter((p) => p === 'chunk')).toHaveLength(6);
          expect(await contents(db)).toEqual(uninterrupted);
          expect(await databaseStats(db)).toEqual(referenceStats(small));
          expect(await indexes()).toEqual(allIndexes);
          // Cooked and current again: the next run cooks chunk by chunk, not all at once.
          const again: string[] = [];
          await runEtl({
            warehouse: db,
            document: etlTestDocument,
            mode: 'incremental',
            onProgress: (p) => again.push(p.cooking ?? 'chunk'),
          });
          expect(again).toEqual([]);
        } finally {
          await fresh.dispose();
        }
      },
      TIMEOUT,
    );

    it.skipIf(engine.kind !== 'postgres')(
      'SIGKILL of an ETL process after chunk 3, then a new run, equals an uninterrupted run (PostgreSQL: a second process needs a server)',
      async () => {
        const fresh = await freshDatabase(engine);
        try {
          const db = fresh.warehouse;
          await prepare(db);
          await insertRawRows(db, small);
          const script = fileURLToPath(new URL('./__fixtures__/etl-child.ts', import.meta.url));
          const child = spawn(
            process.execPath,
            ['--conditions=@tributary/source', '--import', 'tsx', script, fresh.url, String(chunkSize)],
            {
              stdio: ['ignore', 'pipe', 'pipe'],
            },
          );
          let output = '';
          let errors = '';
          child.stderr.on('data', (chunk: Buffer) => {
            errors += chunk.toString();
          });
          const killed = new Promise<string | null>((resolve) =>
            child.on('exit', (_code, signal) => resolve(signal)),
          );
          child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes('chunk 3\n')) child.kill('SIGKILL');
          });
          expect(await killed, errors).toBe('SIGKILL');
          expect(output).not.toContain('done');
          const resumed = await runEtl({
            warehouse: db,
            document: etlTestDocument,
            mode: 'incremental',
            chunkSize,
          });
          expect(resumed.extracted).toBeGreaterThan(0);
          expect(resumed.extracted).toBeLessThan(small.length);
          const afterCrash = await contents(db);
          await runEtl({ warehouse: db, document: etlTestDocument, mode: 'full' });
          expect(await contents(db)).toEqual(afterCrash);
        } finally {
          await fresh.dispose();
        }
      },
      TIMEOUT,
    );

    it(
      'a chunk whose counts do not reconcile fails loudly with a typed error and is rolled back',
      async () => {
        const fresh = await freshDatabase(engine);
        try {
          const db = fresh.warehouse;
          await prepare(db);
          await insertRawRows(db, small.slice(0, 200));
          // A row loaded outside the ETL: the ETL's insert of that message id violates the key.
          const first = small.find(
            (r) => r.intent === 'valid' && r.type === 'track' && r.event === 'purchase',
          );
          await db.query(
            `INSERT INTO processed.purchase (message_id, source, seq, "timestamp", received_at, event_version, sku, price_cents, currency)
           VALUES ($1, 'test', 0, now(), now(), 1, 'x', 1, 'USD')`,
            [first?.messageId],
          );
          const error = await runEtl({ warehouse: db, document: etlTestDocument, mode: 'incremental' }).catch(
            (e: unknown) => e,
          );
          expect(EtlError.isInstance(error)).toBe(true);
          expect((error as EtlError).code).toBe('etl_reconciliation');
          expect((error as EtlError).message).toMatch(
            /already in processed\.purchase \(Key \(message_id, source\)=\(.+, test\) already exists\.\), loaded outside the ETL/,
          );
          const [state] = await db.query<{ tracks: string; mark: string | null }>(
            "SELECT (SELECT count(*) FROM processed.tracks)::text AS tracks, (SELECT seq::text FROM tributary.watermarks WHERE name = 'etl') AS mark",
          );
          expect(state).toEqual({ tracks: '0', mark: null });
        } finally {
          await fresh.dispose();
        }
      },
      TIMEOUT,
    );
  });
});
