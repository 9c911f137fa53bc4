import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'vite';
import { isNodeBuiltin } from './installed-app.js';

/**
 * Bundles a TypeScript entry with vite's build API (workspace packages resolved to their sources
 * through the `@tributary/source` condition) into one ES module file and returns its path.
 * `node` keeps node: built-ins external; `browser` must not need any (an import of one throws).
 */
export async function bundleEntry(
  entry: string,
  outDir: string,
  platform: 'node' | 'browser',
): Promise<string> {
  const conditions = ['@tributary/source', platform, 'import', 'module', 'default'];
  await build({
    configFile: false,
    logLevel: 'warn',
    mode: 'development',
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions }, noExternal: true, target: 'node' },
    define: platform === 'browser' ? { 'process.env.NODE_ENV': '"development"' } : {},
    plugins: platform === 'browser' ? [refuseNodeBuiltins()] : [],
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      sourcemap: false,
      target: 'es2022',
      ...(platform === 'node'
        ? { ssr: entry, rolldownOptions: { output: { entryFileNames: 'bundle.js', format: 'es' } } }
        : { lib: { entry, formats: ['es'], fileName: () => 'bundle.js' } }),
    },
  });
  return join(outDir, 'bundle.js');
}

/**
 * A Vite plugin that records every import of a Node built-in (`node:fs`, `path`, …) with its
 * importer in `found`, or throws when no list is given. Without it a browser build does not fail:
 * Vite swaps built-ins for an empty `__vite-browser-external` module and only logs a warning.
 */
export function refuseNodeBuiltins(found?: string[]): Plugin {
  return {
    name: 'refuse-node-builtins',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!isNodeBuiltin(source)) return null;
      const where = `${source} (imported by ${importer ?? 'the entry'})`;
      if (!found) throw new Error(`A browser bundle must not import Node built-ins: ${where}`);
      found.push(where);
      return null;
    },
  };
}

/** The text of a bundle (tests assert the browser bundle has no node: imports). */
export function readBundle(path: string): string {
  return readFileSync(path, 'utf8');
}
