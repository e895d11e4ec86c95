// OIP request building from the committed samples (numpy wrote them; numpy's float32 cast of the
// features is in test/fixtures/smoke/expected.json), response parsing and parity, by hand.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { UserError } from '../errors.js';
import { buildInferRequest, parseInferResponse, parseModelMetadata } from './protocol.js';
import { argmaxRows, compareOutputs, describeParity } from './parity.js';
import { buildInferInputs, castValue, loadSample } from './sample.js';

const FIX = new URL('../../../../test/fixtures/', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(`${FIX}smoke/expected.json`, 'utf8')) as { rows: number; features_fp32: number[]; ids: number[] };
const FEATURES = { name: 'features', datatype: 'FP32', shape: [-1, 8] };

describe('infer requests from a sample', () => {
  it('.npy (float64) to FP32: numpy\'s float32 values, the sample\'s shape', async () => {
    const sample = await loadSample(`${FIX}smoke/sample.npy`);
    expect(sample.arrays.map((a) => [a.name, a.shape, a.dtype])).toEqual([[undefined, [16, 8], 'float64 (little-endian)']]);
    const [input] = buildInferInputs(sample, [FEATURES]);
    expect(input).toMatchObject({ name: 'features', datatype: 'FP32', shape: [16, 8] });
    expect(input.data).toEqual(expected.features_fp32); // exactly: Math.fround is IEEE round-to-nearest like numpy
    const body = buildInferRequest([input], 'req-1');
    expect(JSON.parse(JSON.stringify(body))).toEqual({ id: 'req-1', inputs: [{ name: 'features', shape: [16, 8], datatype: 'FP32', data: expected.features_fp32 }] });
  });

  it('.npz: one array per input name, each in its metadata datatype (INT64 ids, FP64 features)', async () => {
    const sample = await loadSample(`${FIX}smoke/sample.npz`);
    const inputs = buildInferInputs(sample, [
      { name: 'ids', datatype: 'INT64', shape: [-1] },
      { name: 'features', datatype: 'FP64', shape: [-1, 8] },
    ]);
    expect(inputs[0]).toEqual({ name: 'ids', datatype: 'INT64', shape: [16], data: expected.ids });
    // saved as float32 in the .npz: FP64 carries the float32 values unchanged
    expect(inputs[1].data).toEqual(expected.features_fp32);
  });

  it('.json infer request: its inputs, cast to the metadata datatype', async () => {
    const sample = await loadSample(`${FIX}smoke/sample_request.json`);
    expect(sample.format).toBe('json');
    const [input] = buildInferInputs(sample, [FEATURES]);
    expect(input.shape).toEqual([16, 8]);
    expect(input.data).toEqual(expected.features_fp32);
  });

  it('casts like numpy astype: float32 rounding, integer truncation toward zero, bool', () => {
    expect(castValue(0.1, 'FP32')).toBe(0.10000000149011612);
    expect(castValue(0.1, 'FP64')).toBe(0.1);
    expect(castValue(2.9, 'INT32')).toBe(2);
    expect(castValue(-2.9, 'INT32')).toBe(-2);
    expect(castValue(255, 'UINT8')).toBe(255);
    expect(castValue(256, 'UINT8')).toBeUndefined();
    expect(castValue(-1, 'UINT16')).toBeUndefined();
    expect(castValue(Number.NaN, 'INT64')).toBeUndefined();
    expect(castValue(0, 'BOOL')).toBe(false);
    expect(castValue(-0.5, 'BOOL')).toBe(true);
  });

  it('a shape the server does not take, a missing input, an out-of-range value: UserErrors naming sample', async () => {
    const sample = await loadSample(`${FIX}smoke/sample.npy`);
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        expect((e as UserError).input).toBe('sample');
        return (e as UserError).message;
      }
      throw new Error('no error');
    };
    expect(err(() => buildInferInputs(sample, [{ ...FEATURES, shape: [-1, 7] }]))).toContain("has shape [16, 8]; the model input 'features' takes [-1, 7]");
    expect(err(() => buildInferInputs(sample, [{ ...FEATURES, shape: [-1, 8, 1] }]))).toContain('takes [-1, 8, 1]');
    expect(err(() => buildInferInputs(sample, [FEATURES, { name: 'mask', datatype: 'BOOL', shape: [-1] }]))).toContain("no array for the model input 'features'");
    expect(err(() => buildInferInputs(sample, [{ ...FEATURES, datatype: 'UINT8' }]))).toMatch(/holds -?[\d.e-]+ at element \d+, outside the range of UINT8/);
  });

  it('unreadable samples', async () => {
    await expect(loadSample(`${FIX}smoke/none.npy`)).rejects.toMatchObject({ input: 'sample', message: expect.stringContaining('does not exist') });
    await expect(loadSample(`${FIX}npy/not_npy.npy`)).rejects.toMatchObject({ input: 'sample', message: expect.stringMatching(/^Input sample: .*not a valid \.npy/) });
    await expect(loadSample(`${FIX}smoke/expected.json`)).rejects.toMatchObject({ input: 'sample', message: expect.stringContaining('no inputs list') });
    await expect(loadSample(`${FIX}multiclass/new.onnx`)).rejects.toMatchObject({ input: 'sample', message: expect.stringContaining('neither .npy, .npz nor .json') });
  });
});

describe('responses and metadata', () => {
  it('metadata: inputs and outputs with -1 for dynamic dimensions', () => {
    expect(parseModelMetadata({ name: 'm', versions: ['1', 2], inputs: [FEATURES], outputs: [] })).toEqual({
      name: 'm',
      versions: ['1', '2'],
      platform: undefined,
      inputs: [FEATURES],
      outputs: [],
    });
    expect(parseModelMetadata({ name: 'm', inputs: [{ name: 'x', datatype: 'FP32' }] })).toEqual({ error: expect.stringContaining('inputs[0] (x) has no shape') });
    expect(parseModelMetadata([])).toHaveProperty('error');
  });
  it('infer response: nested data flattened, version as a string, counts checked', () => {
    expect(parseInferResponse({ model_name: 'm', model_version: 3, outputs: [{ name: 'y', shape: [2, 2], datatype: 'FP32', data: [[1, 2], [3, 4]] }] })).toEqual({
      modelName: 'm',
      modelVersion: '3',
      id: undefined,
      outputs: [{ name: 'y', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] }],
    });
    expect(parseInferResponse({ outputs: [{ name: 'y', shape: [2, 2], data: [1, 2, 3] }] })).toEqual({ error: expect.stringContaining('3 values for shape [2, 2] (4)') });
    expect(parseInferResponse({ outputs: [{ name: 'y', shape: [1], data: ['a'] }] })).toHaveProperty('error');
    expect(parseInferResponse({})).toEqual({ error: 'the infer response has no outputs list' });
  });
});

describe('parity, by hand', () => {
  const local = { name: 'y', shape: [2, 3], data: [0.1, 0.7, 0.2, 1, 0, 0] };
  it('values: |served - local| <= atol + rtol |local| per element', () => {
    // element 1: |0.7005 - 0.7| = 5e-4 <= 1e-4 + 1e-3 * 0.7 = 8e-4 -> ok; element 3: |1.002 - 1| = 2e-3 > 1.1e-3 -> mismatch
    const served = { name: 'y', shape: [2, 3], data: [0.1, 0.7005, 0.2, 1.002, 0, 0] };
    const r = compareOutputs([served], [local], { mode: 'values', atol: 1e-4, rtol: 1e-3 });
    expect(r.passed).toBe(false);
    const o = r.outputs[0];
    expect(o.mismatches).toBe(1);
    expect(o.first).toEqual({ index: 3, served: 1.002, local: 1 });
    expect(o.maxAbsDiff).toBeCloseTo(0.002, 12);
    expect(o.maxRelDiff).toBeCloseTo(0.002, 12);
    expect(describeParity(r)).toContain('1 of 6 values differ');
    const loose = compareOutputs([served], [local], { mode: 'values', atol: 1e-4, rtol: 2e-3 });
    expect(loose.passed).toBe(true);
  });
  it('class: argmax per row, first index on ties', () => {
    expect(argmaxRows([0.1, 0.7, 0.2, 1, 0, 1], [2, 3])).toEqual([1, 0]);
    expect(argmaxRows([2, 0, 1], [3])).toEqual([2, 0, 1]); // class ids as they are
    const served = { name: 'y', shape: [2, 3], data: [0.5, 0.4, 0.1, 0, 2, 0] };
    const r = compareOutputs([served], [local], { mode: 'class', atol: 0, rtol: 0 });
    expect(r.outputs[0]).toMatchObject({ mismatches: 2, rows: 2, first: { index: 0, served: 0, local: 1 } });
  });
  it('class on one column [N, 1]: scores are thresholded (0.5 for probabilities, 0 for logits); integer ids compared as they are', () => {
    const cls = (served: number[], local: number[]) =>
      compareOutputs([{ name: 'p', shape: [served.length, 1], data: served }], [{ name: 'p', shape: [local.length, 1], data: local }], { mode: 'class', atol: 0, rtol: 0 }).outputs[0];
    // probabilities on the same side of 0.5: the same class, though no float is equal
    expect(cls([0.7, 0.1, 0.93], [0.71, 0.09, 0.95])).toMatchObject({ passed: true, mismatches: 0, rows: 3 });
    // 0.49 vs 0.51: classes 0 and 1
    expect(cls([0.49, 0.9], [0.51, 0.88])).toMatchObject({ passed: false, mismatches: 1, first: { index: 0, served: 0, local: 1 } });
    // logits: the threshold is 0
    expect(cls([-0.2, 3.1], [-0.1, 3.0])).toMatchObject({ passed: true });
    expect(cls([0.2, 3.1], [-0.1, 3.0])).toMatchObject({ passed: false, mismatches: 1 });
    // class ids in one column
    expect(cls([2, 0, 1], [2, 0, 2])).toMatchObject({ passed: false, mismatches: 1, first: { index: 2, served: 1, local: 2 } });
  });
  it('a missing output or another shape fails with the reason', () => {
    const r = compareOutputs([{ name: 'z', shape: [2, 3], data: local.data }, { name: 'w', shape: [1], data: [0] }], [local], { mode: 'values', atol: 0, rtol: 0 });
    expect(r.outputs[0].problem).toBe("the server returned no output 'y' (it returned 'z', 'w')");
    const s = compareOutputs([{ name: 'y', shape: [3, 2], data: local.data }], [local], { mode: 'values', atol: 0, rtol: 0 });
    expect(s.outputs[0].problem).toContain('shape [3, 2], the local model [2, 3]');
  });
  it('NaN never matches', () => {
    const r = compareOutputs([{ name: 'y', shape: [1], data: [Number.NaN] }], [{ name: 'y', shape: [1], data: [0] }], { mode: 'values', atol: 1, rtol: 1 });
    expect(r.passed).toBe(false);
  });
});
