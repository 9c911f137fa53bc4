export type { ReportExperiment } from './experiment-data.js';
export { funnelStepLabel, type ReportFunnel, type ReportFunnelSpec } from './funnel-data.js';
export type { IdentityComparison, ReportIdentity } from './identity-data.js';
export { collectReportData, type ReportData, type ReportOptions } from './report-data.js';
export { formatRetention, renderReportHtml } from './render-report.js';
export { type ReportAssets, reportAssets } from './report-assets.js';
