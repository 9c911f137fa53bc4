import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings: resolve workspace packages to their `src/` through the
 * `@tributary/source` export condition, so tests never need a build step.
 */
export function tributaryVitestConfig(options: { testTimeout?: number; maxWorkers?: number } = {}) {
  return defineConfig({
    resolve: { conditions: ['@tributary/source', 'module', 'node', 'development|production'] },
    ssr: { resolve: { conditions: ['@tributary/source', 'module', 'node', 'development|production'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: 120_000,
      pool: 'forks',
      ...(options.maxWorkers ? { maxWorkers: options.maxWorkers } : {}),
    },
  });
}
