// The local side of the parity check against numpy's forward pass of the same ONNX weights
// (test/fixtures/smoke/expected.json, written by generate.py).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../errors.js';
import { loadOnnxRuntime } from '../onnx/runtime.js';
import { loadModel, type LoadedModel } from '../onnx/session.js';
import { checkParityModelFile, checkSampleForLocalModel, runLocalModel } from './local-model.js';
import { loadSample } from './sample.js';

const FIX = new URL('../../../../test/fixtures/', import.meta.url).pathname;
const NEW = `${FIX}multiclass/new.onnx`;
const expected = JSON.parse(readFileSync(`${FIX}smoke/expected.json`, 'utf8')) as { features_fp32: number[]; new_scores: number[][] };

let ort: Awaited<ReturnType<typeof loadOnnxRuntime>>['ort'];
let model: LoadedModel;
beforeAll(async () => {
  ({ ort } = await loadOnnxRuntime({ path: process.env.ONNXRUNTIME_NODE_PATH }));
  model = await loadModel(ort, NEW, { role: 'model', inputOfPath: 'model', threads: 1 });
});
afterAll(() => model?.session.release());

describe('runLocalModel', () => {
  it("computes what numpy computes from the model's weights", async () => {
    const [out] = await runLocalModel(ort, model, [{ name: 'features', datatype: 'FP32', shape: [16, 8], data: expected.features_fp32 }]);
    expect(out.name).toBe('scores');
    expect(out.shape).toEqual([16, 3]);
    const want = expected.new_scores.flat();
    want.forEach((v, i) => expect(Math.abs(out.data[i] - v), `element ${i}`).toBeLessThan(1e-5));
  });
});

describe('runLocalModel: a float16 output', () => {
  it('is decoded to values (numpy astype(float16) of the same outputs, exactly), whatever Node hands over', async () => {
    const { openNpz } = await import('../../../../test/npz-values.js');
    const x = await openNpz(`${FIX}onnx/float16_inputs.npz`, 'x');
    const y = await openNpz(`${FIX}onnx/float16_outputs.npz`, 'y');
    const m = await loadModel(ort, `${FIX}onnx/float16_output.onnx`, { role: 'model', inputOfPath: 'model', threads: 1 });
    try {
      const [out] = await runLocalModel(ort, m, [{ name: m.input.name, datatype: 'FP32', shape: x.shape, data: x.values }]);
      expect(out.data).toEqual(y.values);
    } finally {
      await m.session.release();
    }
  });
});

describe('runLocalModel: the values cast to an integer input (numpy astype truncates toward zero)', () => {
  /** new.onnx's loaded model, its input declared `type`, and a session that hands back what it was fed. */
  async function feed(type: string, data: number[]): Promise<ArrayLike<number | bigint>> {
    let fed: ArrayLike<number | bigint> = [];
    const stub = {
      ...model,
      input: { ...model.input, type },
      outputs: [],
      session: {
        run: (feeds: Record<string, { data: ArrayLike<number | bigint> }>) => {
          fed = feeds.features.data;
          return Promise.resolve({});
        },
      },
    } as unknown as LoadedModel;
    await runLocalModel(ort, stub, [{ name: 'features', datatype: 'FP64', shape: [data.length], data }]);
    return Array.from(fed);
  }
  const range = (type: string, min: string, max: string) =>
    `which the ${type} input 'features' of the model ${NEW} cannot hold (${type} takes integers from ${min} to ${max}).`;

  it('values the type holds: truncated toward zero, the ends of the range included', async () => {
    expect(await feed('int64', [1.9, -1.9, 2 ** 53, -(2 ** 63)])).toEqual([1n, -1n, 9007199254740992n, -9223372036854775808n]);
    // the largest double below 2^64 is 2^64 - 2048
    expect(await feed('uint64', [0, 18446744073709549568])).toEqual([0n, 18446744073709549568n]);
    expect(await feed('uint8', [255.7, -0.5, 0])).toEqual([255, 0, 0]);
    expect(await feed('int32', [2147483647, -2147483648])).toEqual([2147483647, -2147483648]);
    expect(await feed('float32', [Number.NaN])).toEqual([Number.NaN]); // a float input takes NaN as it is
  });

  it("NaN or ±Infinity for an integer input is the sample's error, not an internal one", async () => {
    expect(await userError(() => feed('int64', [1, Number.NaN]))).toBe(
      `The sample holds NaN (element 1 of the values sent), ${range('int64', '-9223372036854775808', '9223372036854775807')}`,
    );
    expect(await userError(() => feed('int64', [Number.POSITIVE_INFINITY]))).toContain('The sample holds Infinity (element 0');
    expect(await userError(() => feed('uint64', [Number.NEGATIVE_INFINITY]))).toContain('The sample holds -Infinity (element 0');
    // Int32Array would store NaN as 0 without a word
    expect(await userError(() => feed('int32', [Number.NaN]))).toContain(range('int32', '-2147483648', '2147483647'));
  });

  it('a value beyond the integer type is refused, not wrapped', async () => {
    // 2^63 would wrap to -2^63 in a BigInt64Array; 2^64 to 0 in a BigUint64Array
    expect(await userError(() => feed('int64', [2 ** 63]))).toBe(
      `The sample holds 9223372036854776000 (element 0 of the values sent), ${range('int64', '-9223372036854775808', '9223372036854775807')}`,
    );
    expect(await userError(() => feed('uint64', [2 ** 64]))).toContain(range('uint64', '0', '18446744073709551615'));
    expect(await userError(() => feed('uint64', [-1]))).toContain('The sample holds -1 (element 0');
    // 256 would wrap to 0, -1 to 255, 128 to -128, 2^31 to -2^31
    expect(await userError(() => feed('uint8', [3, 256]))).toBe(
      `The sample holds 256 (element 1 of the values sent), ${range('uint8', '0', '255')}`,
    );
    expect(await userError(() => feed('uint8', [-1]))).toContain(range('uint8', '0', '255'));
    expect(await userError(() => feed('int8', [128]))).toContain(range('int8', '-128', '127'));
    expect(await userError(() => feed('uint16', [65536]))).toContain(range('uint16', '0', '65535'));
    expect(await userError(() => feed('int16', [-32769]))).toContain(range('int16', '-32768', '32767'));
    expect(await userError(() => feed('int32', [2 ** 31]))).toContain(range('int32', '-2147483648', '2147483647'));
    expect(await userError(() => feed('uint32', [2 ** 32]))).toContain(range('uint32', '0', '4294967295'));
  });
});

/** The UserError `f` throws: it names input sample (or `input`); its message. */
async function userError(f: () => unknown, input = 'sample'): Promise<string> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).input).toBe(input);
    return (e as UserError).message;
  }
  throw new Error('no error');
}

describe('the sample against the local model, before the server is contacted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-model-'));
  const request = (inputs: unknown[]) => {
    const path = join(dir, `r${Math.random()}.json`);
    writeFileSync(path, JSON.stringify({ inputs }));
    return loadSample(path);
  };
  const row = Array(8).fill(0.5);

  it('the committed samples fit new.onnx (features, float32, [?, 8]): .npy, .npz (extra arrays aside), .json', async () => {
    for (const f of ['sample.npy', 'sample.npz', 'sample_request.json'])
      checkSampleForLocalModel(await loadSample(`${FIX}smoke/${f}`), model);
  });

  it('a JSON sample naming another input, or declaring FP64 for a float32 input', async () => {
    const other = await request([{ name: 'x', shape: [1, 8], datatype: 'FP32', data: row }]);
    expect(await userError(() => checkSampleForLocalModel(other, model))).toBe(
      `The sample ${other.path} fills the input 'x', which the model ${NEW} does not have (the model ${NEW} takes 'features' FP32).`,
    );
    const fp64 = await request([{ name: 'features', shape: [1, 8], datatype: 'FP64', data: row }]);
    expect(await userError(() => checkSampleForLocalModel(fp64, model))).toBe(
      `The sample ${fp64.path} declares the input 'features' as FP64; the model ${NEW} takes 'features' FP32.`,
    );
  });

  it("a shape the model's input does not take", async () => {
    const wide = await loadSample(`${FIX}multiclass/features_wrong_width.npy`);
    expect(await userError(() => checkSampleForLocalModel(wide, model))).toMatch(
      /has shape \[1000, 7\]; the model .*new\.onnx takes \[\S+, 8\] for 'features' \(a name or \?: any size\)\.$/,
    );
  });

  it('a model that is not a regular file fails before onnxruntime is provisioned: missing, a directory, a FIFO', async () => {
    const fifo = join(dir, 'model.onnx');
    execFileSync('mkfifo', [fifo]);
    expect(await userError(() => checkParityModelFile(join(dir, 'none.onnx')), 'model')).toBe(
      `Input model ${dir}/none.onnx does not exist.`,
    );
    expect(await userError(() => checkParityModelFile(dir), 'model')).toBe(
      `Input model ${dir} is a directory, expected an ONNX model file.`,
    );
    expect(await userError(() => checkParityModelFile(fifo), 'model')).toBe(
      `Input model ${fifo} is a FIFO (named pipe), expected an ONNX model file.`,
    );
    await checkParityModelFile(NEW);
  });
});
