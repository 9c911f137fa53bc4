import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build as esbuild } from 'esbuild';
import type { BrowserContext } from 'playwright-core';
import { build as viteBuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpack from 'webpack';
import { refuseNodeBuiltins } from './support/bundle.js';
import { chromiumMissing, launchChromium } from './support/chromium.js';
import { type IngestTarget, type IngestLog, startIngestServer } from './support/ingest-server.js';
import { installTributaryPackages, isNodeBuiltin, nodeBuiltinTraces } from './support/installed-app.js';

// A web developer's entry: a plan defined with zod and a browser tracker, nothing Node-specific.
// Bundled from packages laid out as npm installs them, with default export conditions and no externals.
// `import * as z` is zod's documented form; it lets bundlers leave out the parts of zod nobody uses.
const ENTRY = `
import { defineEvent, definePlan } from '@tributary/schema';
import { createBrowserTracker } from '@tributary/tracker/browser';
import * as z from 'zod';

const productViewed = defineEvent({
  name: 'product_viewed',
  version: 1,
  properties: z.object({ sku: z.string().max(64), price: z.int().min(0) }),
});
const plan = definePlan({ name: 'shop', events: [productViewed] });

globalThis.startTracker = (endpoint, writeKey) =>
  createBrowserTracker({ plan, endpoint, writeKey, onViolation: 'throw', flushAt: 500, flushIntervalMs: 60_000 });
`;

type Bundler = 'esbuild' | 'vite' | 'webpack';
const BUNDLERS: readonly Bundler[] = ['esbuild', 'vite', 'webpack'];

describe('the browser entry bundles for browsers without Node built-ins', () => {
  let app: string;
  const bundles = new Map<Bundler, string>();

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), 'trk-bundle-'));
    await installTributaryPackages(app);
    mkdirSync(join(app, 'src'));
    writeFileSync(join(app, 'src', 'main.js'), ENTRY);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'web-app', private: true, type: 'module' }),
    );
  }, 120_000);
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  function expectNoNodeTraces(code: string) {
    expect(code.length).toBeGreaterThan(10_000);
    expect(code).toContain('/v1/batch');
    expect(nodeBuiltinTraces(code)).toEqual([]);
  }

  it('esbuild --bundle --platform=browser --minify', async () => {
    const result = await esbuild({
      absWorkingDir: app,
      entryPoints: ['src/main.js'],
      bundle: true,
      platform: 'browser',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
      outfile: join(app, 'esbuild', 'bundle.js'),
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => isNodeBuiltin(input.replace(/^<[^>]*>:/, '')))).toEqual([]);
    // The whole graph is in the bundle: the three packages and zod.
    for (const name of ['@tributary/tracker/dist/browser.js', '@tributary/schema/', '@tributary/validate/'])
      expect(inputs.some((input) => input.includes(name))).toBe(true);
    expect(inputs.some((input) => /node_modules\/zod\//.test(input))).toBe(true);
    // Only the zod the app and @tributary/schema use: not every locale (`import { z } from 'zod'`
    // in @tributary/schema pulled in the whole namespace, ~70 KB gzip more).
    const [output] = Object.values(result.metafile.outputs);
    const bundled = Object.entries(output!.inputs).filter(([, input]) => input.bytesInOutput > 0);
    expect(
      bundled
        .map(([path]) => path)
        .filter((path) => /node_modules\/zod\/v4\/locales\/(?!en\.js$)/.test(path)),
    ).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expectNoNodeTraces(code);
    bundles.set('esbuild', code);
  }, 120_000);

  it('vite build (library mode, no externals)', async () => {
    const imported: string[] = [];
    await viteBuild({
      root: app,
      configFile: false,
      logLevel: 'silent',
      mode: 'production',
      plugins: [refuseNodeBuiltins(imported)],
      build: {
        outDir: join(app, 'vite'),
        emptyOutDir: true,
        minify: true,
        target: 'es2022',
        lib: { entry: join(app, 'src', 'main.js'), formats: ['es'], fileName: () => 'bundle.js' },
      },
    });
    expect(imported).toEqual([]);
    const code = readFileSync(join(app, 'vite', 'bundle.js'), 'utf8');
    expectNoNodeTraces(code);
    bundles.set('vite', code);
  }, 120_000);

  async function runWebpack(outDir: string, optimization: webpack.Configuration['optimization'] = {}) {
    const compiler = webpack({
      context: app,
      mode: 'production',
      target: 'web',
      entry: './src/main.js',
      output: { path: join(app, outDir), filename: 'bundle.js' },
      optimization,
      performance: { hints: false },
      infrastructureLogging: { level: 'none' },
    });
    const stats = await new Promise<webpack.Stats>((resolve, reject) =>
      compiler.run((error, result) => (error || !result ? reject(error) : resolve(result))),
    );
    await new Promise<void>((resolve) => compiler.close(() => resolve()));
    const { errors, warnings } = stats.toJson({ all: false, errors: true, warnings: true });
    expect((errors ?? []).map((e) => e.message)).toEqual([]);
    expect((warnings ?? []).map((w) => w.message)).toEqual([]);
    const code = readFileSync(join(app, outDir, 'bundle.js'), 'utf8');
    expectNoNodeTraces(code);
    return code;
  }

  it('webpack (target web, production, no externals)', async () => {
    bundles.set('webpack', await runWebpack('webpack'));
  }, 180_000);

  // Webpack skips re-exports of a `sideEffects: false` package that the app does not use, so the
  // default build alone would not notice a Node-only module in a barrel. Without that optimisation
  // (webpack's `optimization.sideEffects: false`, as in builds that do not trust the flag) every
  // module the entries re-export is built: none may need a Node built-in.
  it('webpack building every re-exported module (optimization.sideEffects off)', async () => {
    await runWebpack('webpack-all', { sideEffects: false });
  }, 180_000);

  describe.skipIf(chromiumMissing)('each bundle runs in headless Chromium', () => {
    let site: IngestTarget & { readonly log: IngestLog };
    let context: BrowserContext;
    const page = (bundler: Bundler) =>
      `<!doctype html><title>Shop</title><script type="module" src="/${bundler}.js"></script><p>${bundler}</p>`;

    beforeAll(async () => {
      const routes: Record<string, { type: string; body: string }> = {};
      for (const bundler of BUNDLERS) {
        routes[`/${bundler}.html`] = { type: 'text/html', body: page(bundler) };
        // A bundle whose build failed above is an empty script: its page test fails on startTracker.
        routes[`/${bundler}.js`] = { type: 'text/javascript', body: bundles.get(bundler) ?? '' };
      }
      site = await startIngestServer({ routes });
      context = await launchChromium(join(app, 'profile'));
    }, 120_000);
    afterAll(async () => {
      await context?.close();
      await site?.close();
    });

    it.each(BUNDLERS)(
      'the %s bundle: createBrowserTracker validates and delivers',
      async (bundler) => {
        expect(bundles.has(bundler), `the ${bundler} build failed`).toBe(true);
        const tab = await context.newPage();
        const errors: string[] = [];
        tab.on('pageerror', (error) => errors.push(error.message));
        await tab.goto(`${site.url}/${bundler}.html`);
        await tab.waitForFunction(() => 'startTracker' in globalThis);
        const result = await tab.evaluate(async (writeKey) => {
          const tracker = (globalThis as any).startTracker(location.origin, writeKey);
          await tracker.ready;
          const pageId: string = tracker.page();
          const trackId: string = tracker.track('product_viewed', { sku: 'gem', price: 499 });
          let violation = '';
          try {
            tracker.track('product_viewed', { sku: 'gem', price: -1 });
          } catch (error) {
            violation = (error as { code?: string }).code ?? String(error);
          }
          await tracker.flush();
          const anonymousId: string = tracker.anonymousId;
          await tracker.close();
          return { pageId, trackId, violation, anonymousId };
        }, site.writeKey);
        await tab.close();
        expect(errors).toEqual([]);
        expect(result.violation).toBe('invalid_event');
        const stored = site.log.stored;
        expect(stored.get(result.pageId)).toMatchObject({ type: 'page', anonymousId: result.anonymousId });
        expect(stored.get(result.trackId)).toMatchObject({
          type: 'track',
          event: 'product_viewed',
          properties: { sku: 'gem', price: 499 },
          anonymousId: result.anonymousId,
          context: {
            library: { name: '@tributary/tracker' },
            eventVersion: 1,
            page: { path: `/${bundler}.html`, title: 'Shop' },
          },
        });
        // The invalid event was refused before it was queued.
        expect([...stored.values()].filter((m) => (m.properties as any)?.price === -1)).toEqual([]);
      },
      60_000,
    );
  });
});
