import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { fixture, readJson } from '../../../../test/fixtures.js';
import { loadOnnxRuntime, type OnnxRuntime } from '../onnx/runtime.js';
import { inputValue } from '../errors.js';
import { CHECKS } from './check.js';
import { parseSignature } from './signature.js';
import { validateModel, type ValidateOptions } from './validate.js';

// Fixtures: test/fixtures/generate.py (validate_onnx_set): PyTorch exports, references computed by
// PyTorch, expected errors computed by numpy.
const drift = readJson('onnx', 'expected_drift.json');
let ort: OnnxRuntime;
beforeAll(async () => {
  ({ ort } = await loadOnnxRuntime({ path: process.env.ONNXRUNTIME_NODE_PATH }));
});

const tolerance = { atol: 1e-5, rtol: 1e-4, perOutputAtol: {}, perOutputRtol: {}, mode: 'numpy' as const, maxMismatchRatio: 0 };
const validate = (model: string, options: Partial<ValidateOptions> = {}) =>
  validateModel({ ort, model: fixture('onnx', model), tolerance, dynamicBatch: true, seed: 0, ...options });
const signature = (text: string) => inputValue('signature', parseSignature(text));
const status = (v: { checks: { id: string; status: string }[] }) => Object.fromEntries(v.checks.map((c) => [c.id, c.status]));
const detail = (v: { checks: { id: string; detail: string }[] }, id: string) => v.checks.find((c) => c.id === id)!.detail;

describe('validateModel on a sound PyTorch export', () => {
  it('passes every check against PyTorch’s own outputs', async () => {
    const v = await validate('two_heads_dynamic.onnx', {
      referenceInputs: fixture('onnx', 'inputs.npz'),
      referenceOutputs: fixture('onnx', 'outputs.npz'),
      signature: signature('features: float32[batch, 8]\noutputs:\nlogits: float32[batch, 3]\nprobs: float32[batch, 3]'),
      maxSizeMb: 1,
    });
    expect(status(v)).toEqual({
      decodes: 'pass',
      'runtime-support': 'pass',
      signature: 'pass',
      'batch-dimension': 'pass',
      'external-data': 'pass',
      'initializers-finite': 'pass',
      size: 'pass',
      loads: 'pass',
      runs: 'pass',
      'outputs-finite': 'pass',
      'matches-reference': 'pass',
      'batch-consistency': 'pass',
      deterministic: 'pass',
    });
    // in the order and with the titles of the one table
    expect(v.checks.map((c) => [c.id, c.title])).toEqual(Object.entries(CHECKS));
    expect(v.passed).toBe(true);
    expect(v.model.producer.name).toBe('pytorch');
    expect(v.model.opsets).toEqual([{ domain: '', version: 13 }]);
    expect(v.model.inputs).toEqual([{ name: 'features', type: 'float32', shape: ['batch', 8] }]);
    // Linear(8,16) + Linear(16,3): 8*16 + 16 + 16*3 + 3 parameters
    expect(v.model.parameters).toBe(8 * 16 + 16 + 16 * 3 + 3);
    expect(v.comparisons.map((c) => c.name).sort()).toEqual(['logits', 'probs']);
    for (const c of v.comparisons) expect(c.maxAbsError).toBeLessThan(1e-5);
  });

  it('accepts a bare .npy for the only input and the first output', async () => {
    const v = await validate('two_heads_dynamic.onnx', {
      referenceInputs: fixture('onnx', 'input.npy'),
      referenceOutputs: fixture('onnx', 'logits.npy'),
    });
    expect(v.passed).toBe(true);
    expect(v.comparisons.map((c) => c.name)).toEqual(['logits']);
  });

  it('runs on seeded random inputs without references', async () => {
    const v = await validate('two_heads_dynamic.onnx');
    expect(v.inputs).toEqual({ source: 'random', shapes: { features: [4, 8] } });
    expect(status(v)['matches-reference']).toBe('skip');
    expect(v.passed).toBe(true);
  });

  it('reads weights from external data', async () => {
    const v = await validate('external/model.onnx', {
      referenceInputs: fixture('onnx', 'inputs.npz'),
      referenceOutputs: fixture('onnx', 'outputs.npz'),
    });
    expect(detail(v, 'external-data')).toMatch(/4 tensors in 1 file\(s\), all present and complete/);
    expect(v.passed).toBe(true);
  });
});

describe('validateModel: each check fails for its reason', () => {
  it('reports drift per output with numpy’s numbers, and per-output tolerance lifts it', async () => {
    const opts = { referenceInputs: fixture('onnx', 'inputs.npz'), referenceOutputs: fixture('onnx', 'outputs_drift.npz') };
    const v = await validate('two_heads_dynamic.onnx', opts);
    expect(status(v)['matches-reference']).toBe('fail');
    const logits = v.comparisons.find((c) => c.name === 'logits')!;
    // onnxruntime vs PyTorch differ by ~1e-7, far below the 3e-3 drift
    expect(logits.maxAbsError).toBeCloseTo(drift.logits.max_abs_error, 6);
    expect(logits.maxRelError / drift.logits.max_rel_error).toBeCloseTo(1, 3);
    expect(logits.mismatches).toBe(drift.logits.mismatches_numpy_default);
    expect(logits.worst!.index).toEqual(drift.logits.argmax_abs);
    expect(logits.passed).toBe(false);
    const probs = v.comparisons.find((c) => c.name === 'probs')!;
    expect(probs.maxAbsError).toBeCloseTo(drift.probs.max_abs_error, 7);
    expect(probs.passed).toBe(true);
    expect(detail(v, 'matches-reference')).toMatch(/'logits': 1\/18 outside atol 1e-5 rtol 1e-4 \(numpy\).*worst at \[4, 1\]/);

    const lifted = await validate('two_heads_dynamic.onnx', { ...opts, tolerance: { ...tolerance, perOutputAtol: { logits: 0.01 } } });
    expect(lifted.passed).toBe(true);
    const ratio = await validate('two_heads_dynamic.onnx', { ...opts, tolerance: { ...tolerance, maxMismatchRatio: 1 / 18 } });
    expect(ratio.passed).toBe(true);
  });

  it('fails a fixed batch dimension (export without dynamic_axes) and skips the batch comparison', async () => {
    const v = await validate('two_heads_static.onnx');
    expect(status(v)['batch-dimension']).toBe('fail');
    expect(detail(v, 'batch-dimension')).toMatch(/features: float32\[6, 8\].*dynamic_axes/);
    expect(status(v)['batch-consistency']).toBe('skip');
    const relaxed = await validate('two_heads_static.onnx', { dynamicBatch: false });
    expect(relaxed.passed).toBe(true);
  });

  it('finds a NaN initializer', async () => {
    const v = await validate('nan_initializer.onnx');
    expect(status(v)['initializers-finite']).toBe('fail');
    expect(detail(v, 'initializers-finite')).toBe("'w' holds 1 NaN/Inf value(s) of 4 (first at flat index 1)");
    expect(status(v)['outputs-finite']).toBe('fail');
  });

  it('names an opset newer than the runtime supports, and the load fails', async () => {
    const v = await validate('opset27.onnx');
    expect(detail(v, 'runtime-support')).toBe(
      'opset 27 of ai.onnx is newer than onnxruntime 1.30.0 supports (up to 26); export with opset_version=26 or lower',
    );
    expect(status(v).loads).toBe('fail');
    expect(status(v).runs).toBe('skip');
  });

  it('catches outputs that depend on the rest of the batch', async () => {
    const v = await validate('batch_dependent.onnx');
    expect(status(v)['batch-consistency']).toBe('fail');
    expect(detail(v, 'batch-consistency')).toMatch(/row 0 of 'y' alone differs from the batch/);
  });

  it('catches a model that computes something else on every run', async () => {
    const v = await validate('nondeterministic.onnx');
    expect(status(v).deterministic).toBe('fail');
    expect(detail(v, 'deterministic')).toMatch(/'y' differs between two runs in 16\/16 values/);
  });

  it('checks external data: missing, short, LFS pointer, outside the folder', async () => {
    const cases: [string, RegExp][] = [
      ['external_missing', /needs weights\.bin, which does not exist next to the model/],
      ['external_short', /needs bytes \d+\.\.780 of weights\.bin, which holds 764/],
      ['external_lfs', /weights\.bin is a Git LFS pointer file/],
      ['external_escape', /points outside the model's folder \(\.\.\/external\/weights\.bin\)/],
    ];
    for (const [dir, message] of cases) {
      const v = await validate(`${dir}/model.onnx`);
      expect(status(v)['external-data'], dir).toBe('fail');
      expect(detail(v, 'external-data'), dir).toMatch(message);
      expect(v.passed).toBe(false);
    }
  });

  it('refuses external data reached through a link that leads out of the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linked-'));
    await copyFile(fixture('onnx', 'external', 'model.onnx'), join(dir, 'model.onnx'));
    await symlink(fixture('onnx', 'external', 'weights.bin'), join(dir, 'weights.bin'));
    const v = await validateModel({ ort, model: join(dir, 'model.onnx'), tolerance, dynamicBatch: true, seed: 0 });
    expect(status(v)['external-data']).toBe('fail');
    expect(detail(v, 'external-data')).toMatch(/points outside the model's folder \(weights\.bin is a link to .*external\/weights\.bin\)/);
  });

  it('lists signature differences', async () => {
    const v = await validate('two_heads_dynamic.onnx', {
      signature: signature('features: float32[batch, 20]\noutputs:\nlogits: float32[batch, 3]'),
    });
    expect(detail(v, 'signature')).toBe(
      "input 'features' dimension 1 is 8, expected 20; the model has an extra output 'probs' (probs: float32[batch, 3]) that the signature does not list",
    );
  });

  it('fails a model over max-size-mb', async () => {
    const v = await validate('two_heads_dynamic.onnx', { maxSizeMb: 0.001 });
    expect(detail(v, 'size')).toMatch(/^1\.4 KiB exceeds max-size-mb 0\.001$/);
  });
});

describe('validateModel: external data the checks refused never reaches onnxruntime', () => {
  const reason = 'onnxruntime is not given a model whose external data was refused (see External data)';
  it('missing, short, LFS pointer, outside the folder: the runtime checks are skipped', async () => {
    for (const dir of ['external_missing', 'external_short', 'external_lfs', 'external_escape']) {
      const v = await validate(`${dir}/model.onnx`);
      expect(
        v.checks.filter((c) => c.status === 'fail').map((c) => c.id),
        dir,
      ).toEqual(['external-data']);
      const runtime = v.checks.slice(v.checks.findIndex((c) => c.id === 'loads'));
      expect(runtime.map((c) => [c.id, c.status, c.detail])).toEqual(
        ['loads', 'runs', 'outputs-finite', 'matches-reference', 'batch-consistency', 'deterministic'].map((id) => [id, 'skip', reason]),
      );
      expect(v.inputs, dir).toBeUndefined();
    }
  });

  it('a FIFO as the data file fails at once (a read of it would block forever)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fifo-data-'));
    await copyFile(fixture('onnx', 'external', 'model.onnx'), join(dir, 'model.onnx'));
    execFileSync('mkfifo', [join(dir, 'weights.bin')]);
    const started = Date.now();
    const v = await validateModel({ ort, model: join(dir, 'model.onnx'), tolerance, dynamicBatch: true, seed: 0 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(detail(v, 'external-data')).toBe(
      "tensor 'body.0.weight' needs weights.bin, which is a FIFO (named pipe), expected a file of tensor data",
    );
    expect(detail(v, 'initializers-finite')).toMatch(/4 with unreadable external data not checked$/);
    expect(status(v).loads).toBe('skip');
  });
});

describe('validateModel: NaN in the reference inputs', () => {
  it('is said where the NaN outputs come from; the model against itself still matches (NaN = NaN)', async () => {
    const v = await validate('two_heads_dynamic.onnx', { referenceInputs: fixture('onnx', 'inputs_nan.npz') });
    // generate.py: features[1, 3] = NaN: row 1 of both outputs is NaN
    expect(detail(v, 'outputs-finite')).toBe(
      "'logits' has 3 NaN/Inf of 18 values; 'probs' has 3 NaN/Inf of 18 values; NaN in the reference inputs gives NaN out: 'features' holds 1 NaN of 48 values (first at [1, 3])",
    );
    expect(status(v)['batch-consistency']).toBe('pass');
    expect(status(v).deterministic).toBe('pass');
  });
});

describe('validateModel: bad input is an error, not a failed check', () => {
  it('a per-output tolerance for an output the model does not have', async () => {
    await expect(validate('two_heads_dynamic.onnx', { tolerance: { ...tolerance, perOutputAtol: { logit: 1e-3 } } })).rejects.toThrow(
      "Input atol names 'logit', which the model does not have; its outputs are logits, probs.",
    );
  });
  it('random inputs beyond the bound (fixed dimensions [100000, 100000, 20])', async () => {
    await expect(validate('fixed_huge_input.onnx')).rejects.toThrow(/would hold 200,000,000,000 elements; validate-onnx generates at most/);
  });
  it('external data offsets that are not byte counts', async () => {
    await expect(validate('external_offsets/negative_offset.onnx')).rejects.toThrow(
      /negative_offset\.onnx: tensor 'body\.0\.weight' has external data offset '-64' \(in weights\.bin\)/,
    );
  });
  it('references named unlike the model', async () => {
    await expect(validate('two_heads_dynamic.onnx', { referenceInputs: fixture('onnx', 'outputs.npz') })).rejects.toThrow(
      /outputs\.npz holds 'logits', 'probs', which the model does not have; its inputs are features/,
    );
  });
  it('reference outputs of another shape', async () => {
    await expect(
      validate('two_heads_dynamic.onnx', {
        referenceInputs: fixture('onnx', 'inputs.npz'),
        referenceOutputs: fixture('onnx', 'input.npy'),
      }),
    ).rejects.toThrow("reference-outputs: 'logits' has shape [6, 8], but the model computes [6, 3] from the reference inputs.");
  });
  it('a corrupt or missing model', async () => {
    await expect(validateModel({ ort, model: fixture('models', 'corrupt.onnx'), tolerance, dynamicBatch: true, seed: 0 })).rejects.toThrow(
      /corrupt\.onnx does not decode as an ONNX/,
    );
    await expect(validate('nope.onnx')).rejects.toThrow(/nope\.onnx does not exist/);
    await expect(validate('external')).rejects.toThrow(/external is a directory, expected an ONNX model file\./);
  });
});

describe('validateModel: float16 outputs', () => {
  it('decodes float16 outputs (numpy astype(float16) as the reference, exactly)', async () => {
    const v = await validate('float16_output.onnx', {
      referenceInputs: fixture('onnx', 'float16_inputs.npz'),
      referenceOutputs: fixture('onnx', 'float16_outputs.npz'),
      tolerance: { ...tolerance, atol: 0, rtol: 0 },
    });
    expect(status(v)['matches-reference']).toBe('pass');
    expect(v.comparisons[0].maxAbsError).toBe(0);
    expect(v.passed).toBe(true);
  });
  it('finds the Inf of a float16 overflow (1e6 > 65504)', async () => {
    const v = await validate('float16_output.onnx', { referenceInputs: fixture('onnx', 'float16_overflow_inputs.npz') });
    expect(status(v)['outputs-finite']).toBe('fail');
    expect(detail(v, 'outputs-finite')).toBe("'y' has 1 NaN/Inf of 4 values");
  });
});
