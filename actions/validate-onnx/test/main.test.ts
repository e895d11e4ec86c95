// In-process tests of actions/validate-onnx/src (run() called directly with the runner's
// environment): they test the source, whether or not dist/ was rebuilt.
import { describe, expect, it } from 'vitest';

import { fixture } from '../../../test/fixtures.js';
import { readReport, runInProcess } from '../../../test/run-action.js';
import { run } from '../src/main.js';

const onnx = (name: string) => fixture('onnx', name);

describe('validate-onnx run(), in process', () => {
  it('passes a sound export against its own outputs', async () => {
    const r = await runInProcess(run, {
      name: 'validate-onnx',
      inputs: { model: onnx('two_heads_dynamic.onnx'), 'reference-inputs': onnx('inputs.npz'), 'reference-outputs': onnx('outputs.npz') },
    });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs.passed).toBe('true');
    expect((await readReport(r)).status).toBe('passed');
    expect(r.summary).toContain('ONNX validation passed');
  });
  it('a second run in the same process writes its own summary', async () => {
    const r = await runInProcess(run, { name: 'validate-onnx', inputs: { model: onnx('missing.onnx') } });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.summary).not.toContain('ONNX validation passed');
  });
});
