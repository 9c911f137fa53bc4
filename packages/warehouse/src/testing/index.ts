export { describeEachDatabase } from './describe-each-database.js';
export { databaseUrl, dropDatabase, type FreshDatabase, freshDatabase } from './fresh-database.js';
export { postgresTestEngine, type TestEngine, testEngines } from './test-engines.js';
