// bench/browser-size: minified + gzipped size of a minimal browser app using @tributary/tracker/browser,
// @segment/analytics-next and @snowplow/browser-tracker, each bundled the same way (esbuild --bundle
// --platform=browser --minify, no externals, one file, default export conditions), then gzipped
// (zlib level 6, the `gzip` default). Prints a markdown table with the versions measured.
// Bundles the built packages: `npm run build` first. Not a timed test.
//   node bench/browser-size/run.mjs        (BENCH_SIZE_OUT=<dir> also writes the bundles there)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.env.BENCH_SIZE_OUT;

/** Each entry tracks one page view and one event, like the tracker's README example. */
const ENTRIES = [
  {
    client: '@tributary/tracker/browser (plan built by the app)',
    packages: ['@tributary/tracker'],
    code: `
      import { createBrowserTracker } from '@tributary/tracker/browser';
      const tracker = createBrowserTracker({ plan: globalThis.plan, endpoint: 'https://collect.example.com', writeKey: 'wk_web' });
      tracker.page();
      tracker.track('level_up', { level: 3 });`,
  },
  {
    client: '@tributary/tracker/browser + a one-event plan from its plan document (fromPlanDocument, no zod)',
    packages: ['@tributary/tracker', '@tributary/schema'],
    code: `
      import { fromPlanDocument } from '@tributary/schema';
      import { createBrowserTracker } from '@tributary/tracker/browser';
      const plan = fromPlanDocument(${JSON.stringify(await planDocument())});
      const tracker = createBrowserTracker({ plan, endpoint: 'https://collect.example.com', writeKey: 'wk_web' });
      tracker.page();
      tracker.track('level_up', { level: 3 });`,
  },
  {
    client:
      "@tributary/tracker/browser + a one-event plan defined with definePlan and zod (`import * as z from 'zod'`)",
    packages: ['@tributary/tracker', '@tributary/schema', 'zod'],
    code: `
      import { defineEvent, definePlan } from '@tributary/schema';
      import { createBrowserTracker } from '@tributary/tracker/browser';
      import * as z from 'zod';
      const levelUp = defineEvent({ name: 'level_up', version: 1, properties: z.object({ level: z.int().min(1) }) });
      const plan = definePlan({ name: 'game', events: [levelUp] });
      const tracker = createBrowserTracker({ plan, endpoint: 'https://collect.example.com', writeKey: 'wk_web' });
      tracker.page();
      tracker.track('level_up', { level: 3 });`,
  },
  {
    client:
      "the same with `import { z } from 'zod'` (zod's whole namespace: every locale, JSON Schema import)",
    packages: ['@tributary/tracker', '@tributary/schema', 'zod'],
    code: `
      import { defineEvent, definePlan } from '@tributary/schema';
      import { createBrowserTracker } from '@tributary/tracker/browser';
      import { z } from 'zod';
      const levelUp = defineEvent({ name: 'level_up', version: 1, properties: z.object({ level: z.int().min(1) }) });
      const plan = definePlan({ name: 'game', events: [levelUp] });
      const tracker = createBrowserTracker({ plan, endpoint: 'https://collect.example.com', writeKey: 'wk_web' });
      tracker.page();
      tracker.track('level_up', { level: 3 });`,
  },
  {
    client: '@segment/analytics-next (AnalyticsBrowser.load)',
    packages: ['@segment/analytics-next'],
    code: `
      import { AnalyticsBrowser } from '@segment/analytics-next';
      const analytics = AnalyticsBrowser.load({ writeKey: 'wk_web' });
      analytics.page();
      analytics.track('level_up', { level: 3 });`,
  },
  {
    client: '@snowplow/browser-tracker (newTracker)',
    packages: ['@snowplow/browser-tracker'],
    code: `
      import { newTracker, trackPageView, trackSelfDescribingEvent } from '@snowplow/browser-tracker';
      newTracker('sp', 'https://collect.example.com');
      trackPageView();
      trackSelfDescribingEvent({ event: { schema: 'iglu:com.example/level_up/jsonschema/1-0-0', data: { level: 3 } } });`,
  },
  {
    // Not a shippable build: where the tracker's bytes go. Same entry as the first row, with the
    // dev-mode validation path (compileValidators(toPlanDocument(plan))) replaced by stubs.
    client:
      'estimate: the first row without dev-mode validation (@tributary/validate and @tributary/schema stubbed)',
    packages: ['@tributary/tracker'],
    plugins: [stubValidation()],
    code: `
      import { createBrowserTracker } from '@tributary/tracker/browser';
      const tracker = createBrowserTracker({ plan: globalThis.plan, endpoint: 'https://collect.example.com', writeKey: 'wk_web' });
      tracker.page();
      tracker.track('level_up', { level: 3 });`,
  },
];

/** An esbuild plugin standing in for the only runtime imports the tracker makes from @tributary/schema and @tributary/validate. */
function stubValidation() {
  const stubs = {
    '@tributary/validate': 'export const compileValidators = () => { throw new Error("stub"); };',
    '@tributary/schema': `export class TributaryError extends Error {
      constructor(code, message, details) { super(message); this.code = code; this.details = details; }
    }
    export const toPlanDocument = (plan) => plan;
    export const zodSchemaOf = () => undefined;`,
  };
  return {
    name: 'stub-validation',
    setup(build) {
      build.onResolve({ filter: /^@tributary\/(validate|schema)$/ }, (args) => ({
        path: args.path,
        namespace: 'stub',
      }));
      build.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
        contents: stubs[args.path],
        loader: 'js',
      }));
    },
  };
}

/** The plan document of a one-event plan, as an app would ship it (JSON). */
async function planDocument() {
  const { defineEvent, definePlan, toPlanDocument } = await import('@tributary/schema');
  const { z } = await import('zod');
  const levelUp = defineEvent({
    name: 'level_up',
    version: 1,
    properties: z.object({ level: z.int().min(1) }),
  });
  return toPlanDocument(definePlan({ name: 'game', events: [levelUp] }));
}

/** The installed version of a package (its package.json, found from bench/ like the bundler does). */
function versionOf(name) {
  let dir = here;
  for (;;) {
    try {
      return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return '?';
      dir = parent;
    }
  }
}

/** Gzipped size of `files`, each compressed on its own (as served). */
const gzipped = (files) => files.reduce((sum, file) => sum + gzipSync(file.contents, { level: 6 }).length, 0);

const rows = [];
for (const entry of ENTRIES) {
  const options = {
    absWorkingDir: here,
    stdin: { contents: entry.code, resolveDir: here, sourcefile: 'entry.js', loader: 'js' },
    bundle: true,
    platform: 'browser',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'error',
    plugins: entry.plugins ?? [],
  };
  const result = await build({ ...options, outfile: 'bundle.js' });
  const code = result.outputFiles[0].contents;
  const nodeInputs = Object.keys(result.metafile.inputs).filter((input) => /(^|:)node:/.test(input));
  if (nodeInputs.length > 0)
    throw new Error(`${entry.client} pulls in Node built-ins: ${nodeInputs.join(', ')}`);
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, `bundle-${rows.length + 1}.js`), code);
  }
  // The same with code splitting: what a page loads before the first track (the entry chunk and
  // its static imports); dynamic imports (loaded later, or only for some settings) are left out.
  const split = await build({ ...options, splitting: true, format: 'esm', outdir: 'split' });
  const outputs = split.metafile.outputs;
  const initial = new Set();
  const visit = (path) => {
    if (initial.has(path)) return;
    initial.add(path);
    for (const imported of outputs[path].imports)
      if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(Object.keys(outputs).find((path) => outputs[path].entryPoint === 'entry.js'));
  const initialFiles = split.outputFiles.filter((file) =>
    [...initial].some((path) => file.path.endsWith(`/${path}`)),
  );
  rows.push({
    client: entry.client,
    versions: entry.packages.map((name) => `${name} ${versionOf(name)}`).join(', '),
    min: code.length,
    gzip: gzipped([{ contents: code }]),
    initialGzip: gzipped(initialFiles),
    chunks: split.outputFiles.length,
  });
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const base = rows[0].gzip;
console.log(`esbuild ${versionOf('esbuild')} --bundle --platform=browser --minify, gzip level 6\n`);
console.log(
  '| client | versions | minified | min + gzip | vs the tracker | loaded at start, with code splitting (min + gzip) |',
);
console.log('|---|---|---:|---:|---:|---:|');
for (const row of rows)
  console.log(
    `| ${row.client} | ${row.versions} | ${kb(row.min)} | **${kb(row.gzip)}** | ${(row.gzip / base).toFixed(2)}× | ${kb(row.initialGzip)}${row.chunks > 1 ? ` (of ${row.chunks} files)` : ''} |`,
  );
