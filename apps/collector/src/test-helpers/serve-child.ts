// A collector process for the graceful-shutdown test: the database URL in argv[2], a flush timer
// longer than the test's own timeout (an answer can only come from the shutdown's flush),
// SIGTERM/SIGINT handling on. Prints "listening <url>" when ready and "request <id>" as each
// request arrives, so the test signals only once its request is in flight.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { hashKey } from '../auth/hash-key.js';
import { startCollectorServer } from '../server/start-server.js';
import { testPlanDocument } from './test-plan.js';

const server = await startCollectorServer({
  plan: testPlanDocument,
  warehouse: process.argv[2] as string,
  sources: [{ name: 'child', writeKeyHash: hashKey('child-key') }],
  logger: pino({ level: 'silent' }),
  flush: { maxEvents: 10_000, maxWaitMs: 3_600_000 },
  generateId: () => {
    const id = randomUUID();
    process.stdout.write(`request ${id}\n`);
    return id;
  },
  port: 0,
});
process.stdout.write(`listening ${server.url}\n`);
