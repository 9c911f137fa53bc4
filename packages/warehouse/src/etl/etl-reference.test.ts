import { compileDdl, planToWarehouse } from '@tributary/sql';
import { expect, it } from 'vitest';
import { connect } from '../connect.js';
import { runEtl } from './run-etl.js';
import {
  databaseStats,
  etlTestDocument,
  generateDataset,
  insertRawRows,
  referenceStats,
} from './testing/index.js';

it('scratch', async () => {
  const wh = await connect('memory://');
  await wh.exec(compileDdl(planToWarehouse(etlTestDocument)));
  const rows = generateDataset({ events: Number(process.env.N ?? 5000) });
  let t = Date.now();
  await insertRawRows(wh, rows);
  console.log('insert', Date.now() - t);
  t = Date.now();
  const result = await runEtl({
    warehouse: wh,
    document: etlTestDocument,
    mode: 'incremental',
    chunkSize: Math.ceil(rows.length / 4),
  });
  console.log('etl', Date.now() - t, result);
  const db = await databaseStats(wh);
  const ref = referenceStats(rows);
  expect(db).toEqual(ref);
  await wh.close();
}, 600_000);
