import { samplePlanSteps } from '@tributary/sql/test-fixtures';

export default samplePlanSteps[samplePlanSteps.length - 1]?.plan;
