import { describe, expect, it } from 'vitest';

import { fixture } from '../../../../test/fixtures.js';
import { readModel } from '../onnx/model-file.js';
import { MAX_RANDOM_ELEMENTS, MAX_REFERENCE_ELEMENTS, modelInputs, referenceOutputs } from './model-inputs.js';

// Fixtures: test/fixtures/generate.py (validate_onnx_set, validate_onnx_bad_inputs).
const onnx = (...parts: string[]) => fixture('onnx', ...parts);
const infoOf = async (name: string) => (await readModel(onnx(name))).info;

describe('modelInputs: seeded random inputs', () => {
  it('of the declared shapes: a symbolic batch of 4', async () => {
    const inputs = await modelInputs(await infoOf('two_heads_dynamic.onnx'), undefined, 0);
    expect(inputs).toMatchObject({ source: 'random', label: 'seeded random inputs (seed 0)' });
    expect(inputs.feeds.features.dims).toEqual([4, 8]);
  });

  it('bounded: fixed dimensions [100000, 100000, 20] are refused before allocating, asking for reference-inputs', async () => {
    const info = await infoOf('fixed_huge_input.onnx');
    expect(MAX_RANDOM_ELEMENTS).toBe(2 ** 24);
    await expect(modelInputs(info, undefined, 0)).rejects.toThrow(
      expect.objectContaining({
        name: 'UserError',
        input: 'reference-inputs',
        file: info.path,
        message:
          "Random inputs of the model's declared shapes (x [100000, 100000, 20]) would hold 200,000,000,000 elements; validate-onnx generates at most 16,777,216 (2^24).",
        hint: 'Give reference-inputs: the inputs to run the model on, an .npz keyed by input name.',
      }),
    );
  });
});

describe('modelInputs: reference inputs', () => {
  it('notes the NaN they hold (a model may take NaN as missing: not refused)', async () => {
    const inputs = await modelInputs(await infoOf('two_heads_dynamic.onnx'), onnx('inputs_nan.npz'), 0);
    // generate.py: features[1, 3] = NaN, 6 x 8 values
    expect(inputs.nan).toBe("'features' holds 1 NaN of 48 values (first at [1, 3])");
    expect((await modelInputs(await infoOf('two_heads_dynamic.onnx'), onnx('inputs.npz'), 0)).nan).toBeUndefined();
  });

  it('every error names reference-inputs, in the message and as the input at fault', async () => {
    const info = await infoOf('two_heads_dynamic.onnx');
    const cases: [string, RegExp][] = [
      ['empty.npz', /^reference-inputs .*empty\.npz holds no arrays; the model's inputs are features\.$/],
      [
        'outputs.npz',
        /^reference-inputs .*outputs\.npz holds 'logits', 'probs', which the model does not have; its inputs are features\.$/,
      ],
      ['inputs_strings.npz', /^reference-inputs: .*inputs_strings\.npz:features\.npy holds dtype '<U1'/],
      ['nope.npz', /^reference-inputs: the \.npz file .*nope\.npz does not exist\.$/],
    ];
    for (const [name, message] of cases) {
      const e: unknown = await modelInputs(info, onnx(name), 0).catch((error: unknown) => error);
      expect(e, name).toMatchObject({ name: 'UserError', input: 'reference-inputs', message: expect.stringMatching(message) });
      expect((e as { file: string }).file, name).toContain(name);
    }
  });

  it('an .npz member declaring 20000 x 20000 is refused before allocating (it holds 64 bytes)', async () => {
    expect(MAX_REFERENCE_ELEMENTS).toBe(2 ** 27);
    await expect(modelInputs(await infoOf('two_heads_dynamic.onnx'), onnx('inputs_huge_claim.npz'), 0)).rejects.toThrow(
      /^reference-inputs: .*inputs_huge_claim\.npz:features\.npy holds shape \(20000, 20000\), 400,000,000 elements; references are read whole, up to 134,217,728 elements \(2\^27\) an array\.$/,
    );
  });
});

describe('referenceOutputs', () => {
  it('refuses a NaN: it never matches, so the references could not pass', async () => {
    await expect(referenceOutputs(onnx('outputs_nan.npz'), await infoOf('two_heads_dynamic.onnx'))).rejects.toThrow(
      expect.objectContaining({
        input: 'reference-outputs',
        file: onnx('outputs_nan.npz'),
        // generate.py: logits[2, 1] = NaN, 6 x 3 values
        message: `reference-outputs ${onnx('outputs_nan.npz')}: 'logits' holds 1 NaN of 18 values (first at [2, 1]); a NaN never matches (as in numpy.allclose), so these references cannot pass.`,
      }),
    );
  });

  it('refuses members the model has no output for, and an archive without any', async () => {
    const info = await infoOf('two_heads_dynamic.onnx');
    await expect(referenceOutputs(onnx('outputs_extra.npz'), info)).rejects.toThrow(
      `reference-outputs ${onnx('outputs_extra.npz')} holds 'labels', which the model does not have; its outputs are logits, probs.`,
    );
    await expect(referenceOutputs(onnx('empty.npz'), info)).rejects.toThrow(
      `reference-outputs ${onnx('empty.npz')} holds no arrays; the model's outputs are logits, probs.`,
    );
  });
});
