import { etlTestPlan } from '@tributary/warehouse/testing';

export default etlTestPlan;
