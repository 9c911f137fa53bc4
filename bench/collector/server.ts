// The collector under test, in its own process (so the load generator does not share its event
// loop). Prints "listening <url>" when ready; SIGTERM shuts it down gracefully.
import { hashKey, startCollectorServer } from '@tributary/collector';
import { toPlanDocument } from '@tributary/schema';
import { pino } from 'pino';
import { plan } from './plan.ts';

const server = await startCollectorServer({
  plan: toPlanDocument(plan),
  warehouse: process.env.BENCH_DATABASE_URL as string,
  sources: [{ name: 'bench', writeKeyHash: hashKey('bench-key') }],
  adminKeyHash: hashKey('bench-admin'),
  logger: pino({ level: 'warn' }),
  port: 0,
  flush: {
    maxEvents: Number(process.env.BENCH_FLUSH_EVENTS ?? 1000),
    maxWaitMs: Number(process.env.BENCH_FLUSH_MS ?? 5),
    maxConcurrent: Number(process.env.BENCH_FLUSH_CONCURRENT ?? 2),
  },
});
process.stdout.write(`listening ${server.url}\n`);
