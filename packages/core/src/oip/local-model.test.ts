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
