import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const core = (path: string) => fileURLToPath(new URL(`./packages/core/src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // tests run the TypeScript sources; the bundles are built from packages/core/dist
    alias: [
      // the domain entry points of package.json "exports" (and nothing deeper, as for a user)
      { find: /^@ml-gate\/core\/(npy|onnx|evaluation|validation|smoke|release|github)$/, replacement: core('$1/index.ts') },
      { find: /^@ml-gate\/core$/, replacement: core('index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'actions/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['./test/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
