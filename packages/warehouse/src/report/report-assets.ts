import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The chart library inlined into the report: uPlot's browser build and stylesheet. */
export interface ReportAssets {
  readonly chartScript: string;
  readonly chartStyles: string;
}

let cached: ReportAssets | undefined;

/** Reads uPlot (MIT, ~50 kB minified) from the installed package, once. */
export function reportAssets(): ReportAssets {
  if (!cached) {
    const require = createRequire(import.meta.url);
    cached = {
      chartScript: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      chartStyles: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return cached;
}
