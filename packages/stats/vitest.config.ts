import { tributaryVitestConfig } from '../../vitest.shared.ts';

export default tributaryVitestConfig();
