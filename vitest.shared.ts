import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings: resolve workspace packages to their `src/` through the
 * `@tributary/source` export condition, so tests never need a build step. Timeouts only catch a
 * hang: they are generous, because CI may run on a machine busy with other work (a database test
 * that takes 10 s alone can take a minute there); no test relies on them for its verdict.
 */
export function tributaryVitestConfig(options: { testTimeout?: number; maxWorkers?: number } = {}) {
  return defineConfig({
    resolve: { conditions: ['@tributary/source', 'module', 'node', 'development|production'] },
    ssr: { resolve: { conditions: ['@tributary/source', 'module', 'node', 'development|production'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 120_000,
      hookTimeout: 300_000,
      pool: 'forks',
      ...(options.maxWorkers ? { maxWorkers: options.maxWorkers } : {}),
    },
  });
}
