// A second process for the data directory lock tests: opens the embedded database in argv[2].
// With argv[3] === 'hold' it keeps it open until killed.
import { connect } from '../connect.js';

const [dataDir, mode] = process.argv.slice(2);
try {
  const warehouse = await connect(undefined, { dataDir });
  await warehouse.query('SELECT 1');
  process.stdout.write('opened\n');
  if (mode === 'hold') await new Promise(() => {});
  await warehouse.close();
} catch (error) {
  process.stdout.write(
    `${JSON.stringify({ code: (error as { code?: string }).code, message: (error as Error).message })}\n`,
  );
  process.exitCode = 3;
}
