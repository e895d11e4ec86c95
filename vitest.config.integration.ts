import { defineConfig } from 'vitest/config';

// The integration suite: each action's COMMITTED dist/ bundle, copied to a folder with no
// node_modules above it and run as a child process the way the GitHub runner runs it
// (test/run-action.ts); and the built command line (packages/cli/dist) beside them on the same
// inputs. The bundles run under ML_GATE_ACTION_NODE when it is set — .ci/run sets it to Node 24,
// the runtime action.yml declares (`using: node24`) — and under this Node otherwise.
export default defineConfig({
  test: {
    name: 'integration',
    include: [
      'actions/*/test/e2e.test.ts',
      'actions/*/test/*.e2e.test.ts',
      'packages/*/test/*.e2e.test.ts',
      'test/**/*.e2e.test.ts',
      // the example project's pipeline, end to end (npm run example)
      'examples/*/test/*.e2e.test.ts',
    ],
    setupFiles: ['./test/setup.ts', './test/setup-integration.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
