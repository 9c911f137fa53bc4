export { runDemo } from './main.js';
export { appInstall, levelUpV1, levelUpV2, plan, purchase, sessionEnd, sessionStart } from './plan.js';
