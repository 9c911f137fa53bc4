export { describeEachDatabase } from './describe-each-database.js';
export { databaseUrl, dropDatabase, type FreshDatabase, freshDatabase } from './fresh-database.js';
export { postgresTestEngine, type TestEngine, testEngines } from './test-engines.js';
export {
  databaseStats,
  type DatasetOptions,
  etlTestDocument,
  etlTestPlan,
  generateDataset,
  insertRawRows,
  localDay,
  type RawRow,
  referenceStats,
  TEST_TIME_ZONES,
  tableContents,
} from '../etl/testing/index.js';
export { planEvent } from './plan-event.js';
