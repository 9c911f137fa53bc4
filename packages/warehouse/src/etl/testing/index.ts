export { type DatasetOptions, generateDataset, prng, type RawRow } from './etl-dataset.js';
export { localDay, referenceStats, TEST_TIME_ZONES } from './etl-reference.js';
export { databaseStats, tableContents } from './etl-stats.js';
export { etlTestDocument, etlTestPlan } from './etl-test-plan.js';
export { insertRawRows } from './load-raw.js';
