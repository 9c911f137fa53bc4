// A collector under test, in its own process: straight to PostgreSQL, or to JetStream when
// BENCH_BROKER (JSON broker config) is set. Prints "listening <url>" when ready.
import { hashKey, startCollectorServer } from '@tributary/collector';
import { toPlanDocument } from '@tributary/schema';
import { pino } from 'pino';
import { plan } from '../collector/plan.ts';

const broker = process.env.BENCH_BROKER ? JSON.parse(process.env.BENCH_BROKER) : undefined;
const server = await startCollectorServer({
  plan: toPlanDocument(plan),
  warehouse: process.env.BENCH_DATABASE_URL as string,
  sources: [{ name: 'bench', writeKeyHash: hashKey('bench-key') }],
  adminKeyHash: hashKey('bench-admin'),
  logger: pino({ level: 'warn' }),
  port: 0,
  flush: { maxEvents: 1000, maxWaitMs: 5 },
  ...(broker ? { broker } : {}),
});
process.stdout.write(`listening ${server.url}\n`);
