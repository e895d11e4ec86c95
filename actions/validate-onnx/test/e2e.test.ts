// End-to-end tests of the COMMITTED bundle actions/validate-onnx/dist/index.js, run the way the
// GitHub runner runs it (test/run-action.ts), from a copy with no node_modules above it and a tool
// cache that starts empty (the first run provisions onnxruntime-node from the npm registry).
// Expected errors: numpy in test/fixtures/generate.py (expected_drift.json).
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, readJson } from '../../../test/fixtures.js';
import { committedAction, expectNoStackTrace, readReport, type CommittedAction } from '../../../test/run-action.js';

const drift = readJson('onnx', 'expected_drift.json');
const onnx = (name: string) => fixture('onnx', name);
let action: CommittedAction;
beforeAll(async () => {
  action = await committedAction('validate-onnx');
});
afterAll(async () => {
  await action?.dispose();
});

describe('validate-onnx, committed bundle', () => {
  it('passes a sound PyTorch export against its own outputs (first run provisions onnxruntime)', async () => {
    const r = await action.run({
      model: onnx('two_heads_dynamic.onnx'),
      'reference-inputs': onnx('inputs.npz'),
      'reference-outputs': onnx('outputs.npz'),
      signature: 'features: float32[batch, 8]\noutputs:\nlogits: float32[batch, 3]\nprobs: float32[batch, 3]',
      'max-size-mb': '1',
    });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Downloading onnxruntime-node@1.30.0');
    expect(r.errors).toEqual([]);
    expect(r.outputs.passed).toBe('true');
    expect(Number(r.outputs['max-abs-error'])).toBeLessThan(1e-5);
    expect(r.outputs['mismatch-ratio']).toBe('0');
    const rep = await readReport(r);
    expect(rep.status).toBe('passed');
    expect(rep.checks.map((c: any) => c.status)).toEqual(Array(13).fill('pass'));
    expect(rep.model.producer.name).toBe('pytorch');
    expect(rep.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.summary.startsWith('## ✅ ONNX validation passed')).toBe(true);
  });

  it('fails drifting references with numpy’s numbers, one annotation on the model file', async () => {
    const model = onnx('two_heads_dynamic.onnx');
    const r = await action.run({ model, 'reference-inputs': onnx('inputs.npz'), 'reference-outputs': onnx('outputs_drift.npz') });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].properties.file).toBe(model);
    expect(r.errors[0].properties.title).toBe('validate-onnx: Matches the reference outputs');
    expect(r.errors[0].message).toMatch(/'logits': 1\/18 outside .* worst at \[4, 1\]/);
    expect(Number(r.outputs['max-abs-error'])).toBeCloseTo(drift.logits.max_abs_error, 6);
    expect(Number(r.outputs['max-rel-error']) / drift.logits.max_rel_error).toBeCloseTo(1, 3);
    expect(Number(r.outputs['mismatch-ratio'])).toBeCloseTo(1 / 18, 12);
    expect(r.outputs.passed).toBe('false');
    const rep = await readReport(r);
    expect(rep.status).toBe('failed');
    expect(rep.outputs.find((o: any) => o.name === 'logits').worst.index).toEqual([4, 1]);
    expectNoStackTrace(r);

    const lifted = await action.run({
      model,
      'reference-inputs': onnx('inputs.npz'),
      'reference-outputs': onnx('outputs_drift.npz'),
      atol: '1e-5, logits:0.01',
    });
    expect(lifted.exitCode).toBe(0);
  });

  it('fails each broken file for its reason', async () => {
    const cases: [string, Record<string, string>, string, RegExp][] = [
      ['two_heads_static.onnx', {}, 'Batch dimension is symbolic', /first dimension is fixed/],
      ['nan_initializer.onnx', {}, 'Weights are finite', /'w' holds 1 NaN/],
      ['opset27.onnx', {}, 'IR version and opsets supported', /opset 27 of ai\.onnx .* \(up to 26\)/],
      ['external_lfs/model.onnx', {}, 'External data', /Git LFS pointer/],
      ['batch_dependent.onnx', {}, 'Batch of 1 = batch of N', /differs from the batch/],
      ['nondeterministic.onnx', {}, 'Deterministic', /differs between two runs/],
    ];
    for (const [model, inputs, title, detail] of cases) {
      const r = await action.run({ model: onnx(model), ...inputs });
      expect(r.exitCode, model).toBe(1);
      const error = r.errors.find((e) => e.properties.title === `validate-onnx: ${title}`);
      expect(error, `${model}: ${r.stdout}`).toBeDefined();
      expect(error!.message).toMatch(detail);
      expect(error!.properties.file).toBe(onnx(model));
      expect((await readReport(r)).status).toBe('failed');
      expectNoStackTrace(r);
    }
  });

  it('bad input: one clear error naming the input, no stack trace, a report', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ model: onnx('missing.onnx') }, /missing\.onnx does not exist/],
      [{ model: fixture('models', 'corrupt.onnx') }, /corrupt\.onnx does not decode as an ONNX/],
      [
        { model: onnx('two_heads_dynamic.onnx'), 'reference-inputs': onnx('outputs.npz') },
        /holds 'logits', 'probs', which the model does not have; its inputs are features/,
      ],
      [
        { model: onnx('two_heads_dynamic.onnx'), 'reference-inputs': fixture('npy', 'not_npy.npy') },
        /not_npy\.npy is not a valid \.npy array/,
      ],
      [{ model: onnx('two_heads_dynamic.onnx'), atol: '1e-5, logits:x' }, /Input atol has 'logits:x'; expected a number >= 0/],
      [
        { model: onnx('two_heads_dynamic.onnx'), signature: 'features float32[batch]' },
        /Input signature: line 1 'features float32\[batch\]' is not 'name: type\[dims\]'/,
      ],
      [
        { model: onnx('two_heads_dynamic.onnx'), 'tolerance-mode': 'loose' },
        /Input tolerance-mode is 'loose'; expected one of: numpy, either/,
      ],
    ];
    for (const [inputs, message] of cases) {
      const r = await action.run(inputs);
      expect(r.exitCode, JSON.stringify(inputs)).toBe(1);
      expect(r.errors, r.stdout).toHaveLength(1);
      expect(r.errors[0].message).toMatch(message);
      expect(r.errors[0].message).not.toMatch(/^Internal error/);
      expectNoStackTrace(r);
      const rep = await readReport(r);
      expect(rep.status).toBe('error');
      expect(rep.error.message).toBe(r.errors[0].message);
      expect(r.summary).toContain('could not run');
    }
  });

  it('fails closed at once: a FIFO as the model or as reference-inputs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fifo-'));
    for (const name of ['model.onnx', 'inputs.npz']) execFileSync('mkfifo', [join(dir, name)]);
    const cases: [Record<string, string>, RegExp][] = [
      [
        { model: join(dir, 'model.onnx') },
        /^The model .*model\.onnx is a FIFO \(named pipe\), expected an ONNX model file\. \(input model\)$/,
      ],
      [
        { model: onnx('two_heads_dynamic.onnx'), 'reference-inputs': join(dir, 'inputs.npz') },
        /^reference-inputs: the \.npz file .*inputs\.npz is a FIFO \(named pipe\), expected a file\.$/,
      ],
    ];
    for (const [inputs, message] of cases) {
      // a read of a FIFO without a writer would block past this deadline
      const r = await action.run(inputs, { timeoutMs: 30_000 });
      expect(r.exitCode, r.stdout).toBe(1);
      expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(message)]);
      expect((await readReport(r)).status).toBe('error');
      expectNoStackTrace(r);
    }
  });

  it('external data offsets that are not byte counts: a clear error under the Node the bundle runs on (Node 24 threw "out of range")', async () => {
    for (const [name, what] of [
      ['negative_offset', "offset '-64'"],
      ['text_offset', "offset 'abc'"],
      ['negative_length', "length '-4'"],
      ['huge_offset', "offset '9007199254740993'"],
    ]) {
      const model = onnx(`external_offsets/${name}.onnx`);
      const r = await action.run({ model });
      expect(r.exitCode, r.stdout).toBe(1);
      expect(r.errors.map((e) => e.message)).toEqual([
        `The model ${model}: tensor 'body.0.weight' has external data ${what} (in weights.bin); expected a whole number of bytes from 0 to 2^53 - 1. Save the model again: onnx.save_model(model, path, save_as_external_data=True). (input model)`,
      ]);
      expect(r.errors[0].properties.file).toBe(model);
      const rep = await readReport(r);
      expect(rep.error).toMatchObject({ input: 'model', file: model });
      expectNoStackTrace(r);
    }
  });

  it('random inputs of fixed dimensions [100000, 100000, 20]: refused, asking for reference-inputs', async () => {
    const r = await action.run({ model: onnx('fixed_huge_input.onnx') });
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toMatch(
      /would hold 200,000,000,000 elements; validate-onnx generates at most 16,777,216 \(2\^24\)\. Give reference-inputs/,
    );
    expectNoStackTrace(r);
  });
});
