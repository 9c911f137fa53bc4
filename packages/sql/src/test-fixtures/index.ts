export { type SamplePlanStep, samplePlan, samplePlanDocument, samplePlanSteps } from './sample-plan.js';
