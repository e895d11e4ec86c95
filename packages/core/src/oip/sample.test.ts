// OIP request building from the committed samples (numpy wrote them; numpy's float32 cast of the
// features is in test/fixtures/smoke/expected.json).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { thrownUserError } from '../../../../test/user-error.js';
import { buildInferRequest } from './protocol.js';
import { buildInferInputs, castValue, loadSample } from './sample.js';

const FIX = new URL('../../../../test/fixtures/', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(`${FIX}smoke/expected.json`, 'utf8')) as { rows: number; features_fp32: number[]; ids: number[] };
const FEATURES = { name: 'features', datatype: 'FP32', shape: [-1, 8] };

/** The message of the UserError naming input sample that `f` throws. */
function sampleError(f: () => unknown): string {
  const e = thrownUserError(f);
  expect(e.input).toBe('sample');
  return e.message;
}

describe('infer requests from a sample', () => {
  it(".npy (float64) to FP32: numpy's float32 values, the sample's shape", async () => {
    const sample = await loadSample(`${FIX}smoke/sample.npy`);
    expect(sample.arrays.map((a) => [a.name, a.shape, a.dtype])).toEqual([[undefined, [16, 8], 'float64 (little-endian)']]);
    const [input] = buildInferInputs(sample, [FEATURES]);
    expect(input).toMatchObject({ name: 'features', datatype: 'FP32', shape: [16, 8] });
    expect(input.data).toEqual(expected.features_fp32); // exactly: Math.fround is IEEE round-to-nearest like numpy
    const body = buildInferRequest([input], 'req-1');
    expect(JSON.parse(JSON.stringify(body))).toEqual({
      id: 'req-1',
      inputs: [{ name: 'features', shape: [16, 8], datatype: 'FP32', data: expected.features_fp32 }],
    });
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
    expect(sampleError(() => buildInferInputs(sample, [{ ...FEATURES, shape: [-1, 7] }]))).toContain(
      "has shape [16, 8]; the model input 'features' takes [-1, 7]",
    );
    expect(sampleError(() => buildInferInputs(sample, [{ ...FEATURES, shape: [-1, 8, 1] }]))).toContain('takes [-1, 8, 1]');
    expect(sampleError(() => buildInferInputs(sample, [FEATURES, { name: 'mask', datatype: 'BOOL', shape: [-1] }]))).toContain(
      "no array for the model input 'features'",
    );
    expect(sampleError(() => buildInferInputs(sample, [{ ...FEATURES, datatype: 'UINT8' }]))).toMatch(
      /holds -?[\d.e-]+ at element \d+, outside the range of UINT8/,
    );
  });

  it('a JSON sample naming an input the model does not have, or declaring another datatype: UserErrors naming sample', async () => {
    const sample = await loadSample(`${FIX}smoke/sample_request.json`);
    expect(sampleError(() => buildInferInputs(sample, [{ ...FEATURES, name: 'x' }]))).toBe(
      `The sample ${FIX}smoke/sample_request.json fills the input 'features', which the server's model does not have (the server's model takes 'x' FP32).`,
    );
    expect(sampleError(() => buildInferInputs(sample, [{ ...FEATURES, datatype: 'FP64' }]))).toBe(
      `The sample ${FIX}smoke/sample_request.json declares the input 'features' as FP32; the server's model takes 'features' FP64.`,
    );
    // an .npz names no datatype (cast) and may hold arrays other models take
    const npz = await loadSample(`${FIX}smoke/sample.npz`);
    expect(buildInferInputs(npz, [{ ...FEATURES, datatype: 'FP64' }]).map((t) => t.name)).toEqual(['features']);
  });

  it('unreadable samples', async () => {
    await expect(loadSample(`${FIX}smoke/none.npy`)).rejects.toMatchObject({
      input: 'sample',
      message: expect.stringContaining('does not exist'),
    });
    await expect(loadSample(`${FIX}npy/not_npy.npy`)).rejects.toMatchObject({
      input: 'sample',
      message: expect.stringMatching(/^Input sample: .*not a valid \.npy/),
    });
    await expect(loadSample(`${FIX}smoke/expected.json`)).rejects.toMatchObject({
      input: 'sample',
      message: expect.stringContaining('no inputs list'),
    });
    await expect(loadSample(`${FIX}multiclass/new.onnx`)).rejects.toMatchObject({
      input: 'sample',
      message: expect.stringContaining('neither .npy, .npz nor .json'),
    });
  });

  it('a sample that is not a regular file fails at once: a FIFO (.json, .npy, .npz), a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sample-'));
    for (const ext of ['json', 'npy', 'npz']) {
      const fifo = join(dir, `fifo.${ext}`);
      execFileSync('mkfifo', [fifo]);
      await expect(loadSample(fifo)).rejects.toMatchObject({ input: 'sample', message: expect.stringContaining('is a FIFO (named pipe)') });
    }
    mkdirSync(join(dir, 'dir.json'));
    await expect(loadSample(join(dir, 'dir.json'))).rejects.toMatchObject({
      input: 'sample',
      message: `The sample ${dir}/dir.json is a directory, expected an infer request as JSON.`,
    });
  });
});
