// The loaders under test, in their own process: BENCH_LOADERS JetStreamLoaders (what
// `tributary load --loaders n` runs) into BENCH_DATABASE_URL. Prints "ready"; SIGTERM stops them.
import { JetStreamLoader } from '@tributary/jetstream';
import { connect } from '@tributary/warehouse';

const warehouse = await connect(process.env.BENCH_DATABASE_URL as string);
const broker = JSON.parse(process.env.BENCH_BROKER as string);
const loaders = await Promise.all(
  Array.from({ length: Number(process.env.BENCH_LOADERS ?? 2) }, () =>
    JetStreamLoader.start({ warehouse, broker, batchSize: Number(process.env.BENCH_LOAD_BATCH ?? 1000) }),
  ),
);
process.stdout.write('ready\n');
process.once('SIGTERM', async () => {
  await Promise.all(loaders.map((loader) => loader.stop()));
  await warehouse.close();
  process.exit(0);
});
