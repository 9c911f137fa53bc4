import type { PlanDocument } from '@tributary/schema';
import { compileDdl, planToWarehouse } from '@tributary/sql';
import type { Warehouse } from '@tributary/warehouse';
import { pino } from 'pino';
import { hashKey } from '../auth/hash-key.js';
import { type Collector, createCollector } from '../create-collector.js';
import type { CollectorOptions } from '../options.js';
import { testPlanDocument } from './test-plan.js';

/** Write keys of the test sources. */
export const KEYS = {
  server: 'wk_server_secret',
  web: 'wk_web_secret',
  disabled: 'wk_disabled_secret',
  admin: 'admin-secret',
} as const;

/** Allowed browser origin of the `web` source. */
export const WEB_ORIGIN = 'https://shop.example';

/** Creates the warehouse tables of the plan (raw.events, raw.rejected, …) with @tributary/sql's DDL. */
export async function createWarehouseTables(
  db: Warehouse,
  plan: PlanDocument = testPlanDocument,
): Promise<void> {
  await db.exec(compileDdl(planToWarehouse(plan)));
}

/** Empties the raw tables between tests. */
export async function truncateRaw(db: Warehouse): Promise<void> {
  await db.exec('TRUNCATE raw.events, raw.rejected RESTART IDENTITY');
}

/** A collector on `db` with three sources (server, web with CORS, disabled), an admin key and a silent logger. */
export function testCollector(db: Warehouse, overrides: Partial<CollectorOptions> = {}): Promise<Collector> {
  return createCollector(testCollectorOptions(db, overrides));
}

/** The options `testCollector` uses. */
export function testCollectorOptions(
  db: Warehouse,
  overrides: Partial<CollectorOptions> = {},
): CollectorOptions {
  return {
    plan: testPlanDocument,
    warehouse: db,
    sources: [
      { name: 'server', writeKeyHash: hashKey(KEYS.server) },
      { name: 'web', writeKeyHash: hashKey(KEYS.web), corsOrigins: [WEB_ORIGIN] },
      { name: 'disabled', writeKeyHash: hashKey(KEYS.disabled), enabled: false },
    ],
    adminKeyHash: hashKey(KEYS.admin),
    logger: pino({ level: 'silent' }),
    flush: { maxEvents: 500, maxWaitMs: 2 },
    ...overrides,
  };
}

/** `Authorization: Basic base64("<key>:")`, as Segment SDKs send it. */
export function basicAuth(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

/** A valid track message of the test plan. */
export function levelUp(messageId: string, level = 3): Record<string, unknown> {
  return {
    type: 'track',
    event: 'level_up',
    messageId,
    anonymousId: 'anon-1',
    timestamp: '2026-01-01T00:00:00.000Z',
    properties: { level, character: 'mage' },
    context: { platform: 'ios' },
  };
}
