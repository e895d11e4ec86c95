// Open Inference Protocol answers validated into plain values, by hand.
import { describe, expect, it } from 'vitest';

import { parseInferResponse, parseModelMetadata, parseRepositoryIndex } from './protocol.js';

const FEATURES = { name: 'features', datatype: 'FP32', shape: [-1, 8] };

describe('responses and metadata', () => {
  it('metadata: inputs and outputs with -1 for dynamic dimensions', () => {
    expect(parseModelMetadata({ name: 'm', versions: ['1', 2], inputs: [FEATURES], outputs: [] })).toEqual({
      ok: true,
      value: {
        name: 'm',
        versions: ['1', '2'],
        platform: undefined,
        inputs: [FEATURES],
        outputs: [],
      },
    });
    expect(parseModelMetadata({ name: 'm', inputs: [{ name: 'x', datatype: 'FP32' }] })).toEqual({
      ok: false,
      error: expect.stringContaining('inputs[0] (x) has no shape'),
    });
    expect(parseModelMetadata([])).toMatchObject({ ok: false, error: expect.any(String) });
  });
  it('infer response: nested data flattened, version as a string, counts checked', () => {
    expect(
      parseInferResponse({
        model_name: 'm',
        model_version: 3,
        outputs: [
          {
            name: 'y',
            shape: [2, 2],
            datatype: 'FP32',
            data: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      }),
    ).toEqual({
      ok: true,
      value: {
        modelName: 'm',
        modelVersion: '3',
        id: undefined,
        outputs: [{ name: 'y', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] }],
      },
    });
    expect(parseInferResponse({ outputs: [{ name: 'y', shape: [2, 2], data: [1, 2, 3] }] })).toEqual({
      ok: false,
      error: expect.stringContaining('3 values for shape [2, 2] (4)'),
    });
    expect(parseInferResponse({ outputs: [{ name: 'y', shape: [1], data: ['a'] }] })).toMatchObject({
      ok: false,
      error: expect.any(String),
    });
    expect(parseInferResponse({})).toEqual({ ok: false, error: 'the infer response has no outputs list' });
  });
});

describe('the repository index (POST /v2/repository/index)', () => {
  it("Triton's and KServe's entries: a name, a version and a state when given", () => {
    expect(
      parseRepositoryIndex([
        { name: 'demo', version: '2', state: 'READY' },
        { name: 'other', version: 3, state: 'UNAVAILABLE', reason: 'unloaded' },
        { name: 'bare' },
      ]),
    ).toEqual({
      ok: true,
      value: [
        { name: 'demo', version: '2', state: 'READY' },
        { name: 'other', version: '3', state: 'UNAVAILABLE' },
        { name: 'bare', version: undefined, state: undefined },
      ],
    });
  });
  it('anything else is an error', () => {
    expect(parseRepositoryIndex({ models: [] })).toEqual({ ok: false, error: 'the repository index is not a JSON list' });
    expect(parseRepositoryIndex([{ version: '1' }])).toEqual({ ok: false, error: 'an entry of the repository index has no name' });
  });
});
