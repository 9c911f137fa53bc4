export { explainFunnel, type RunFunnelOptions, runFunnel } from './run-funnel.js';
