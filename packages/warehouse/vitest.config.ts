import { tributaryVitestConfig } from '../../vitest.shared.ts';

// Two workers even on a 2-core machine: the ETL acceptance and metrics reference files are the
// longest in the suite and spend much of their time waiting on PostgreSQL, so run side by side.
export default tributaryVitestConfig({ maxWorkers: 2, testTimeout: 600_000 });
