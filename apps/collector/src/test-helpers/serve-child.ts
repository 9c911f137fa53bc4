// A collector process for the graceful-shutdown test: the database URL in argv[2], a long flush
// timer, SIGTERM/SIGINT handling on. Prints "listening <url>" when ready.
import { pino } from 'pino';
import { hashKey } from '../auth/hash-key.js';
import { startCollectorServer } from '../server/start-server.js';
import { testPlanDocument } from './test-plan.js';

const server = await startCollectorServer({
  plan: testPlanDocument,
  warehouse: process.argv[2] as string,
  sources: [{ name: 'child', writeKeyHash: hashKey('child-key') }],
  logger: pino({ level: 'silent' }),
  flush: { maxEvents: 10_000, maxWaitMs: 5_000 },
  port: 0,
});
process.stdout.write(`listening ${server.url}\n`);
