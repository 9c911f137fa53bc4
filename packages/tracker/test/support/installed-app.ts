import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);
const packagesDir = fileURLToPath(new URL('../../../', import.meta.url));

/** The workspace packages the browser entry needs, as they would be installed from npm. */
export const INSTALLED_PACKAGES = ['schema', 'validate', 'tracker'] as const;

/**
 * Lays out `dir` as a web app after `npm install @tributary/tracker zod`:
 * `node_modules/@tributary/{schema,validate,tracker}` hold each package's package.json and a `dist/`
 * compiled now from its current sources (tsc with the package's tsconfig.build.json, as its build
 * does), and `node_modules/zod` links to the repository's zod. Bundlers then resolve the packages
 * as published (default export conditions; the `@tributary/source` paths do not exist there),
 * whatever state the repository's own `dist/` directories are in.
 */
export async function installTributaryPackages(dir: string): Promise<void> {
  const tscPackage = require.resolve('typescript/package.json');
  const tsc = join(dirname(tscPackage), JSON.parse(readFileSync(tscPackage, 'utf8')).bin.tsc);
  await Promise.all(
    INSTALLED_PACKAGES.map(async (name) => {
      const source = join(packagesDir, name);
      const target = join(dir, 'node_modules', '@tributary', name);
      mkdirSync(target, { recursive: true });
      copyFileSync(join(source, 'package.json'), join(target, 'package.json'));
      await promisify(execFile)(process.execPath, [
        tsc,
        '-p',
        join(source, 'tsconfig.build.json'),
        '--outDir',
        join(target, 'dist'),
        '--noCheck',
        '--declaration',
        'false',
        '--declarationMap',
        'false',
        '--sourceMap',
        'false',
      ]);
    }),
  );
  symlinkSync(dirname(require.resolve('zod/package.json')), join(dir, 'node_modules', 'zod'), 'dir');
}

const BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith('_')));

/** Whether an import specifier names a Node built-in (`node:fs`, `fs`, `fs/promises`, …). */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

/**
 * Traces of Node built-ins left in bundled output: `node:` specifiers, `require`/`import` of fs, path,
 * crypto and the other built-ins, and Vite's stub for built-ins it externalised.
 */
export function nodeBuiltinTraces(code: string): string[] {
  const names = [...BUILTINS].map((name) => name.replace(/[/]/g, '\\/')).join('|');
  const patterns = [
    /["'`]node:[\w/]+["'`]/g,
    new RegExp(`require\\(\\s*["'\`](?:${names})["'\`]\\s*\\)`, 'g'),
    new RegExp(`(?:from|import)\\s*\\(?\\s*["'\`](?:${names})["'\`]`, 'g'),
    /__vite-browser-external/g,
  ];
  return patterns.flatMap((pattern) => code.match(pattern) ?? []);
}
