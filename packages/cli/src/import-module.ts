import { pathToFileURL } from 'node:url';

/** Imports a JavaScript or TypeScript module (TypeScript through tsx, so configs and plans need no build step). */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  if (/\.(c|m)?ts$/.test(path)) {
    const { tsImport } = await import('tsx/esm/api');
    const mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
    // Outside a `"type": "module"` package, tsx loads .ts as CommonJS: the ES exports sit on `default`.
    const inner = mod.default as Record<string, unknown> | undefined;
    return inner &&
      typeof inner === 'object' &&
      (inner.__esModule === true || Object.hasOwn(inner, 'default'))
      ? inner
      : mod;
  }
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}
