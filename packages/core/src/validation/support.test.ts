import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';

import { ONNXRUNTIME_VERSION, loadOnnxRuntime, type OnnxRuntime } from '../onnx/runtime.js';
import { RUNTIME_SUPPORT, runtimeSupportProblems } from './support.js';

const { onnx } = onnxProto;

/** A one-node model (y = Relu(x)) stamped with the given IR version and opsets. */
function reluModel(irVersion: number, opsets: [string, number][]): Uint8Array {
  const tensor = (name: string) => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'b' }, { dimValue: 2 }] } } },
  });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion,
      opsetImport: opsets.map(([domain, version]) => ({ domain, version })),
      graph: { name: 'g', node: [{ opType: 'Relu', input: ['x'], output: ['y'] }], input: [tensor('x')], output: [tensor('y')] },
    }),
  ).finish();
}

describe('RUNTIME_SUPPORT is what the pinned onnxruntime really loads', () => {
  let ort: OnnxRuntime;
  let dir: string;
  beforeAll(async () => {
    ({ ort } = await loadOnnxRuntime({ path: process.env.ONNXRUNTIME_NODE_PATH }));
    dir = await mkdtemp(join(tmpdir(), 'support-'));
  });
  const loads = async (name: string, ir: number, opsets: [string, number][]) => {
    const path = join(dir, `${name}.onnx`);
    await writeFile(path, reluModel(ir, opsets));
    try {
      const s = await ort.InferenceSession.create(path);
      await s.release();
      return true;
    } catch {
      return false;
    }
  };

  it('is measured for this onnxruntime', () => {
    expect(RUNTIME_SUPPORT.onnxruntime).toBe(ONNXRUNTIME_VERSION);
  });
  it('loads the newest IR version and no newer', async () => {
    const max = RUNTIME_SUPPORT.maxIrVersion;
    expect(await loads('ir-max', max, [['', 17]])).toBe(true);
    expect(await loads('ir-next', max + 1, [['', 17]])).toBe(false);
  });
  it('loads the newest ai.onnx opset and no newer', async () => {
    const max = RUNTIME_SUPPORT.maxOpset[''];
    expect(await loads('op-max', 10, [['', max]])).toBe(true);
    expect(await loads('op-next', 10, [['', max + 1]])).toBe(false);
  });
  it('loads the newest ai.onnx.ml opset and no newer', async () => {
    const max = RUNTIME_SUPPORT.maxOpset['ai.onnx.ml'];
    expect(
      await loads('ml-max', 10, [
        ['', 17],
        ['ai.onnx.ml', max],
      ]),
    ).toBe(true);
    expect(
      await loads('ml-next', 10, [
        ['', 17],
        ['ai.onnx.ml', max + 1],
      ]),
    ).toBe(false);
  });
});

describe('runtimeSupportProblems', () => {
  it('names what is too new and the newest supported', () => {
    expect(runtimeSupportProblems({ irVersion: 8, opsets: [{ domain: '', version: 13 }] })).toEqual([]);
    expect(
      runtimeSupportProblems({
        irVersion: 14,
        opsets: [
          { domain: '', version: 27 },
          { domain: 'com.example', version: 9 },
        ],
      }),
    ).toEqual([
      'IR version 14 is newer than onnxruntime 1.30.0 supports (up to IR 13)',
      'opset 27 of ai.onnx is newer than onnxruntime 1.30.0 supports (up to 26); export with opset_version=26 or lower',
    ]);
  });
});
