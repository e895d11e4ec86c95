import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const core = (path: string) => fileURLToPath(new URL(`./packages/core/src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // tests run the TypeScript sources; the bundles are built from packages/core/dist
    alias: [
      { find: /^@ml-gate\/core\/github$/, replacement: core('github/index.ts') },
      { find: /^@ml-gate\/core$/, replacement: core('index.ts') },
      // any other module of core by its path: @ml-gate/core/onnx/runtime -> src/onnx/runtime.ts
      { find: /^@ml-gate\/core\/(.+)$/, replacement: core('$1.ts') },
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
