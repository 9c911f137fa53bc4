import { samplePlanSteps } from '@tributary/sql/test-fixtures';

export default samplePlanSteps[0]?.plan;
