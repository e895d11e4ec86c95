// Checks shared by the evaluate-baseline tests, in process (main.test.ts) and of the committed
// bundle (e2e.test.ts).
import { expect } from 'vitest';

import { expectNoStackTrace, readReport, type ActionRun } from '../../../test/run-action.js';

/**
 * The gate failed for a missing baseline with missing-baseline fail (the default): exit 1, no
 * warning, one error containing `parts`, no stack trace, a failed report that says the policy.
 */
export async function expectMissingBaselineFails(r: ActionRun, ...parts: string[]): Promise<void> {
  expect(r.exitCode).toBe(1);
  expect(r.warnings).toEqual([]);
  expect(r.errors).toHaveLength(1);
  for (const part of parts) expect(r.errors[0].message).toContain(part);
  expectNoStackTrace(r);
  expect(r.outputs.passed).toBe('false');
  const report = (await readReport(r)) as { status: string; baselineMissing: { policy: string } };
  expect(report.status).toBe('failed');
  expect(report.baselineMissing.policy).toBe('fail');
  expect(r.summary.startsWith('## ❌ Model evaluation failed')).toBe(true);
}
