// A separate process for the crash test: runs the ETL on the database in argv[2] with the chunk
// size in argv[3], printing "chunk <n>" after each commit, so the parent can SIGKILL it mid-run.
import { connect } from '../../connect.js';
import { runEtl } from '../run-etl.js';
import { etlTestDocument } from '../testing/etl-test-plan.js';

const [url, chunkSize] = process.argv.slice(2);
const warehouse = await connect(url);
await runEtl({
  warehouse,
  document: etlTestDocument,
  mode: 'incremental',
  chunkSize: Number(chunkSize),
  onProgress: (p) => process.stdout.write(`chunk ${p.chunk}\n`),
});
process.stdout.write('done\n');
await warehouse.close();
