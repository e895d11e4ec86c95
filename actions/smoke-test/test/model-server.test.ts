// The example model server (examples/model-server/server.mjs) speaks the Open Inference Protocol
// and computes what numpy computes from the model's weights (test/fixtures/smoke/expected.json).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, readJson } from '../../../test/fixtures.js';
import { startModelServer, type RunningServer } from './model-server.js';

const expected = readJson<{ new_scores: number[][] }>('smoke', 'expected.json');
let s: RunningServer;

beforeAll(async () => {
  s = await startModelServer({ model: fixture('multiclass', 'new.onnx'), name: 'demo', version: '7' });
  // ready once the model is loaded
  for (let i = 0; i < 100 && (await fetch(`${s.url}/v2/health/ready`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 50));
});
afterAll(() => s?.stop());

describe('example model server', () => {
  it('health, readiness and metadata with -1 for the dynamic batch', async () => {
    expect((await fetch(`${s.url}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${s.url}/v2/models/demo/ready`)).status).toBe(200);
    expect((await fetch(`${s.url}/v2/models/other/ready`)).status).toBe(404);
    expect(await (await fetch(`${s.url}/v2/models/demo`)).json()).toEqual({
      name: 'demo',
      versions: ['7'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 8] }],
      outputs: [{ name: 'scores', datatype: 'FP32', shape: [-1, 3] }],
    });
  });

  it('the repository index lists the model it serves (POST /v2/repository/index)', async () => {
    const res = await fetch(`${s.url}/v2/repository/index`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ name: 'demo', version: '7', state: 'READY' }]);
  });

  it("infer: numpy's scores for the sample request, with the configured model_version", async () => {
    const body = await readFile(fixture('smoke', 'sample_request.json'), 'utf8');
    const res = await fetch(`${s.url}/v2/models/demo/infer`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    const json = (await res.json()) as any;
    expect(json).toMatchObject({ model_name: 'demo', model_version: '7' });
    expect(json.outputs[0]).toMatchObject({ name: 'scores', datatype: 'FP32', shape: [16, 3] });
    expected.new_scores.flat().forEach((v, i) => expect(Math.abs(json.outputs[0].data[i] - v), `element ${i}`).toBeLessThan(1e-5));
  });

  it('a bad request is a 400 with the reason', async () => {
    const res = await fetch(`${s.url}/v2/models/demo/infer`, {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'features', shape: [1, 8], datatype: 'FP32', data: [1, 2] }] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error).toContain('2 values for shape [1, 8]');
  });
});
