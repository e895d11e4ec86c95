// Which Node runs the committed bundles in this suite (test/run-action.ts): ML_GATE_ACTION_NODE,
// or the Node running the tests. Said once per test file, so a run's log shows it.
import { execFileSync } from 'node:child_process';
import { beforeAll } from 'vitest';

beforeAll(() => {
  const node = process.env.ML_GATE_ACTION_NODE || process.execPath;
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`bundles run under Node ${version} (${node})`);
});
