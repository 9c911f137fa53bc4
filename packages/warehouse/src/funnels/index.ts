export { explainFunnel, type RunFunnelOptions, runFunnel } from './run-funnel.js';
export { runFunnelTimeToConvert } from './run-funnel-time-to-convert.js';
