import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

/**
 * Bundles a TypeScript entry with vite's build API (workspace packages resolved to their sources
 * through the `@tributary/source` condition) into one ES module file and returns its path.
 * `node` keeps node: built-ins external; `browser` must not need any.
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

/** The text of a bundle (tests assert the browser bundle has no node: imports). */
export function readBundle(path: string): string {
  return readFileSync(path, 'utf8');
}
