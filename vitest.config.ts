import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const core = (path: string) => fileURLToPath(new URL(`./packages/core/src/${path}`, import.meta.url));

// Two suites, both run by `npm test`:
// - unit: core modules and each action's sources run in process (actions/*/test/main.test.ts);
// - integration (vitest.config.integration.ts): the committed bundles, run the way the runner runs them.
// `npx vitest run --project unit` runs the first alone.
export default defineConfig({
  resolve: {
    // tests run the TypeScript sources; the bundles are built from packages/core/dist
    alias: [
      // the domain entry points of package.json "exports" (and nothing deeper, as for a user)
      { find: /^@ml-gate\/core\/(npy|onnx|evaluation|validation|smoke|release|github|data|training)$/, replacement: core('$1/index.ts') },
      { find: /^@ml-gate\/core$/, replacement: core('index.ts') },
    ],
  },
  test: {
    setupFiles: ['./test/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'actions/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['actions/*/test/e2e.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'],
        },
      },
      './vitest.config.integration.ts',
    ],
  },
});
