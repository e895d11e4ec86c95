// A misspelt input through each COMMITTED bundle, as the runner passes it: the runner sets
// INPUT_<NAME> for every `with:` key, declared or not (after a warning nobody reads). Each action
// refuses it before doing anything, names it and the input meant, exits 1 and still writes its
// report. (runAction refuses undeclared inputs itself, so the variables are set directly.)
import { afterAll, describe, expect, it } from 'vitest';

import { committedAction, expectNoStackTrace, readReport, type CommittedAction } from './run-action.js';

const CASES = [
  { action: 'evaluate-baseline', variable: 'INPUT_MIN_IMPROVEMENT', given: 'min_improvement', meant: 'min-improvement' },
  { action: 'validate-onnx', variable: 'INPUT_REFERENCE_INPUTS', given: 'reference_inputs', meant: 'reference-inputs' },
  { action: 'smoke-test', variable: 'INPUT_EXPECTED_MODEL_VERSION', given: 'expected_model_version', meant: 'expected-model-version' },
  { action: 'rollback', variable: 'INPUT_EXPECTED_CURENT', given: 'expected_curent', meant: 'expected-current' },
  { action: 'validate-data', variable: 'INPUT_DRIFT_IGNROE', given: 'drift_ignroe', meant: 'drift-ignore' },
  { action: 'check-training', variable: 'INPUT_MAX_GRAD_NROM', given: 'max_grad_nrom', meant: 'max-grad-norm' },
];

const opened: CommittedAction[] = [];
afterAll(async () => {
  await Promise.all(opened.map((a) => a.dispose()));
});

describe('an undeclared input, through the committed bundles', () => {
  for (const c of CASES) {
    it(`${c.action} refuses ${c.given}, suggesting ${c.meant}`, async () => {
      const action = await committedAction(c.action);
      opened.push(action);
      const r = await action.run({}, { env: { [c.variable]: '0.5' } });
      expect(r.exitCode, r.stdout + r.stderr).toBe(1);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0].message).toContain(`Input ${c.given} is not an input of ${c.action}; did you mean ${c.meant}?`);
      expectNoStackTrace(r);
      const report = await readReport(r);
      expect(report.error.input).toBe(c.given);
    });
  }
});
