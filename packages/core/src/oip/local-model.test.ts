// The local side of the parity check against numpy's forward pass of the same ONNX weights
// (test/fixtures/smoke/expected.json, written by generate.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { loadOnnxRuntime } from '../onnx/runtime.js';
import { loadModel } from '../onnx/session.js';
import { runLocalModel } from './local-model.js';

const FIX = new URL('../../../../test/fixtures/', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(`${FIX}smoke/expected.json`, 'utf8')) as { features_fp32: number[]; new_scores: number[][] };

describe('runLocalModel', () => {
  it("computes what numpy computes from the model's weights", async () => {
    const { ort } = await loadOnnxRuntime({ path: process.env.ONNXRUNTIME_NODE_PATH });
    const model = await loadModel(ort, `${FIX}multiclass/new.onnx`, { role: 'model', inputOfPath: 'model', threads: 1 });
    try {
      const [out] = await runLocalModel(ort, model, [{ name: 'features', datatype: 'FP32', shape: [16, 8], data: expected.features_fp32 }]);
      expect(out.name).toBe('scores');
      expect(out.shape).toEqual([16, 3]);
      const want = expected.new_scores.flat();
      want.forEach((v, i) => expect(Math.abs(out.data[i] - v), `element ${i}`).toBeLessThan(1e-5));
    } finally {
      await model.session.release();
    }
  });
});
