import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashKey, startCollectorServer } from '@tributary/collector';
import { toPlanDocument } from '@tributary/schema';
import { type FunnelResult, metricCatalogOf } from '@tributary/sql';
import {
  collectReportData,
  type ExperimentReadout,
  funnelStepLabel,
  generateMigration,
  migrate,
  renderReportHtml,
  runEtl,
  runExperiment,
  runFunnel,
} from '@tributary/warehouse';
import pino from 'pino';
import { plan } from '../plan.js';
import { simulate } from '../simulate/simulate.js';
import { addDays } from '../simulate/zoned-time.js';
import { formatExperimentSummary, formatFunnelSummary } from './analysis-summary.js';
import { levelFiveFunnel, starterPackExperiment } from './demo-analyses.js';
import { openDemoDatabase } from './demo-database.js';
import { sendTraffic } from './send-traffic.js';
import { collectSummary } from './demo-metrics.js';
import { type DemoSummary, formatSummary } from './summary.js';

export interface DemoOptions {
  readonly users: number;
  readonly days: number;
  readonly seed: number;
  /** PostgreSQL server URL; the demo works in a fresh `tributary_demo` database there. */
  readonly databaseUrl?: string;
  /** Where the embedded database, migrations and report go. */
  readonly workDir: string;
  readonly reportPath: string;
  readonly log?: (line: string) => void;
  /** Today (ms); the simulation ends yesterday. */
  readonly now?: number;
}

export interface DemoResult {
  readonly summary: DemoSummary;
  readonly reportPath: string;
  readonly etl: {
    readonly extracted: number;
    readonly loaded: number;
    readonly rejected: number;
    readonly duplicates: number;
  };
  readonly sent: number;
  /** The install → level 5 → purchase funnel over the simulated days. */
  readonly funnel: FunnelResult;
  /** The starter-pack experiment's readout over the simulated days. */
  readonly experiment: ExperimentReadout;
}

const WRITE_KEY = 'demo-write-key-not-secret';

/**
 * The mobile game end to end: migrate → collector → simulated players sending through the real
 * tracker over HTTP → ETL → metrics summary, funnel and experiment readout → report.html. Prints
 * progress as it goes.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = Date.now();
  const step = (text: string) => log(`\n▸ ${text}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const document = toPlanDocument(plan);
  const today = new Date(options.now ?? Date.now()).toISOString().slice(0, 10);
  const startDay = addDays(today, -options.days);
  const lastDay = addDays(today, -1);
  mkdirSync(options.workDir, { recursive: true });

  step('Database and migrations');
  const database = await openDemoDatabase({
    databaseUrl: options.databaseUrl,
    dataDir: join(options.workDir, 'data'),
  });
  log(`  ${database.description}`);
  try {
    const db = database.warehouse;
    const migrationsDir = join(options.workDir, 'migrations');
    // The database is new each run, so are its migrations: files left by an earlier run (of an
    // older plan or an older Tributary) would be applied before the plan's own.
    rmSync(migrationsDir, { recursive: true, force: true });
    const generated = await generateMigration({ document, dir: migrationsDir, name: 'mobile_game' });
    if (generated.fileName) log(`  generated ${generated.fileName}`);
    const migrated = await migrate({ db, dir: migrationsDir });
    if (migrated.outcome !== 'ok')
      throw new Error(
        `migration ${migrated.outcome}: ${JSON.stringify(migrated.failed ?? migrated.refused)}`,
      );
    log(`  applied ${migrated.applied.map((m) => m.name).join(', ') || 'nothing (up to date)'}`);

    step('Collector');
    const server = await startCollectorServer({
      plan: document,
      warehouse: db,
      sources: [{ name: 'game', writeKeyHash: hashKey(WRITE_KEY) }],
      port: 0,
      handleSignals: false,
      logger: pino({ level: 'silent' }),
    });
    log(`  listening on ${server.url}`);
    let sent = 0;
    try {
      step(
        `Simulating ${options.users.toLocaleString('en')} players over ${options.days} days (${startDay} … ${lastDay})`,
      );
      const messages = simulate({ seed: options.seed, users: options.users, days: options.days, startDay });
      log(`  ${messages.length.toLocaleString('en')} messages; sending through @tributary/tracker over HTTP`);
      let lastShown = -1;
      const traffic = await sendTraffic(messages, {
        endpoint: server.url,
        writeKey: WRITE_KEY,
        onProgress: (done, total) => {
          const pct = Math.floor((done / total) * 100);
          if (pct >= lastShown + 10 || done === total) {
            lastShown = pct;
            log(
              `  ${String(pct).padStart(3)}%  ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`,
            );
          }
        },
      });
      if (traffic.deadLettered > 0)
        throw new Error(`${traffic.deadLettered} messages could not be delivered`);
      sent = traffic.sent;
    } finally {
      await server.close();
    }

    step('ETL (raw → staging → processed → cooked)');
    const etl = await runEtl({
      warehouse: db,
      document,
      mode: 'full',
      onProgress: (p) => {
        const rate = `${Math.round(p.rowsPerSecond).toLocaleString('en')} rows/s`;
        if (p.cooking === 'all') log('  cooking the cooked tables (per user key and per person)');
        else if (p.cooking === 'done') log(`  cooked: ${rate} overall`);
        else log(`  chunk ${p.chunk}/${p.chunks}: ${p.extracted.toLocaleString('en')} rows, ${rate}`);
      },
    });
    log(
      `  extracted ${etl.extracted}, loaded ${etl.loaded}, rejected ${etl.rejected}, duplicates ${etl.duplicates}`,
    );

    step('Metrics');
    if (!etl.identity)
      throw new Error('the demo plan stitches identities: runEtl reported no identity totals');
    const catalog = metricCatalogOf(document);
    const range = { from: startDay, to: lastDay, timeZone: 'UTC' };
    const now = () => options.now ?? Date.now();
    const summary = await collectSummary(db, {
      ...range,
      catalog,
      now,
      identity: { links: etl.identity.links, conflicts: etl.identity.conflicts },
    });
    log(formatSummary(summary));

    const { title, ...funnelSpec } = levelFiveFunnel;
    step(`Funnel: ${title} (within ${funnelSpec.window} of install)`);
    const funnel = await runFunnel<typeof plan>(db, { ...funnelSpec, ...range }, { document });
    log(formatFunnelSummary(funnelSpec.steps.map(funnelStepLabel), funnel.groups[0]?.steps ?? []));

    step(`Experiment ${starterPackExperiment.key}`);
    const experiment = await runExperiment<typeof plan>(db, starterPackExperiment, range, { document });
    log(formatExperimentSummary(experiment));

    step('Report');
    const data = await collectReportData(db, {
      ...range,
      title: 'Mobile game — Tributary demo',
      catalog,
      now,
      document,
      funnels: [levelFiveFunnel],
      experiments: [starterPackExperiment],
    });
    writeFileSync(options.reportPath, renderReportHtml(data));
    log(`  wrote ${options.reportPath}`);
    log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return { summary, reportPath: options.reportPath, etl, sent, funnel, experiment };
  } finally {
    await database.close();
  }
}
